"""The printable sign-off list ("danh sách ký nhận") of a round, as PDF and XLSX."""

from __future__ import annotations

import io
from datetime import date

from fpdf import FPDF
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from app.fonts import add_pdf_fonts
from app.spreadsheets import append
from students.rounds.models import AllocationRound
from students.rounds.services import quantity_vi

HEADERS = [
    "STT",
    "Họ và tên học sinh",
    "Trường",
    "Lớp",
    "Người giám hộ",
    "Nội dung nhận",
    "Ký nhận (HS / người giám hộ)",
]
SIGNERS = ["Người lập danh sách", "Đại diện đơn vị", "Thủ quỹ", "Đại diện nhà trường"]


def rows(rnd: AllocationRound) -> list[list[str]]:
    """One row per line: number, student, school, class, guardian, what is received, signature."""
    out = []
    for n, line in enumerate(
        sorted(rnd.lines, key=lambda ln: (ln.student.name_key, ln.id)), start=1
    ):
        s = line.student
        klass = s.class_name or str(s.grade)
        out.append(
            [
                str(n),
                s.full_name,
                s.school.name,
                klass,
                s.guardian_name,
                quantity_vi(line.amount, line.asset),
                "",
            ]
        )
    return out


def total_row(rnd: AllocationRound) -> list[str]:
    """The foot of the list: how many students, and the total of each asset."""
    totals: dict[str, int] = {}
    for line in rnd.lines:
        totals[line.asset] = totals.get(line.asset, 0) + line.amount
    what = "; ".join(quantity_vi(v, a) for a, v in sorted(totals.items()))
    students = len({line.student_id for line in rnd.lines})
    return ["", f"Tổng cộng: {students} học sinh", "", "", "", what, ""]


def _title(rnd: AllocationRound) -> tuple[str, str]:
    return (
        "DANH SÁCH KÝ NHẬN",
        f"{rnd.title} — {rnd.campaign.title} (mã đợt {rnd.public_id})",
    )


def pdf(rnd: AllocationRound, fund_name: str) -> bytes:
    """A4 landscape, DejaVu (full Vietnamese), a signature column and signers at the foot."""
    doc = FPDF(orientation="L", unit="mm", format="A4")
    add_pdf_fonts(doc, "DejaVu")
    doc.set_auto_page_break(auto=True, margin=15)
    doc.add_page()
    doc.set_font("DejaVu", "", 10)
    doc.cell(0, 6, fund_name, new_x="LMARGIN", new_y="NEXT")
    heading, sub = _title(rnd)
    doc.set_font("DejaVu", "B", 15)
    doc.cell(0, 10, heading, align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("DejaVu", "", 11)
    doc.multi_cell(0, 6, sub, align="C", new_x="LMARGIN", new_y="NEXT")
    doc.ln(3)
    widths = (10, 50, 50, 14, 42, 38, 73)  # a wide signature column
    with doc.table(
        col_widths=widths,
        line_height=7,
        text_align=("CENTER", "LEFT", "LEFT", "CENTER", "LEFT", "LEFT", "LEFT"),
        first_row_as_headings=True,
    ) as table:
        header = table.row()
        for text in HEADERS:
            header.cell(text)
        for values in rows(rnd):
            row = table.row()
            for text in values[:-1]:
                row.cell(text)
            # Room to sign by hand: the empty cell is as tall as three lines of text.
            row.cell("\n\n")
        foot = table.row()
        doc.set_font("DejaVu", "B", 10)
        for text in total_row(rnd):
            foot.cell(text)
        doc.set_font("DejaVu", "", 11)
    doc.ln(6)
    doc.set_font("DejaVu", "", 10)
    doc.cell(
        0,
        6,
        f"Ngày ...... tháng ...... năm {date.today().year}",
        align="R",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    doc.set_font("DejaVu", "B", 10)
    width = (doc.w - doc.l_margin - doc.r_margin) / len(SIGNERS)
    for name in SIGNERS:
        doc.cell(width, 6, name, align="C")
    doc.ln(6)
    doc.set_font("DejaVu", "", 9)
    for _ in SIGNERS:
        doc.cell(width, 6, "(ký, ghi rõ họ tên)", align="C")
    return bytes(doc.output())


def xlsx(rnd: AllocationRound, fund_name: str) -> bytes:
    """The same list as a spreadsheet, ready to print."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Ky nhan"
    heading, sub = _title(rnd)
    append(ws, [fund_name])
    append(ws, [heading])
    append(ws, [sub])
    append(ws, [])
    ws["A2"].font = Font(bold=True, size=14)
    append(ws, HEADERS)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for cell in ws[5]:
        cell.font = Font(bold=True)
        cell.border = border
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for values in rows(rnd):
        append(ws, [int(values[0])] + values[1:])
        for cell in ws[ws.max_row]:
            cell.border = border
        ws.row_dimensions[ws.max_row].height = 45
    append(ws, total_row(rnd))
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
        cell.border = border
    append(ws, [])
    append(ws, SIGNERS)
    append(ws, ["(ký, ghi rõ họ tên)"] * len(SIGNERS))
    for col, width in zip("ABCDEFG", (6, 28, 30, 8, 24, 24, 36), strict=True):
        ws.column_dimensions[col].width = width
    ws.page_setup.orientation = "landscape"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
