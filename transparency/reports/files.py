"""The report as a PDF (DejaVu, a bar chart of money by campaign) and as an XLSX workbook
(every cell data, never a formula). Both show exactly what the page shows: "< 5" included."""

from __future__ import annotations

import io

from fpdf import FPDF
from openpyxl import Workbook
from openpyxl.styles import Font

from app.money import format_vnd
from app.spreadsheets import append
from transparency.reports import pdfdoc
from transparency.reports.data import Report
from transparency.reports.tables import Table

TOTAL = "Tổng"


def _heading(report: Report) -> tuple[str, str]:
    return (
        f"{report.title} — {report.unit.name}",
        f"Từ {report.first:%d/%m/%Y} đến {report.last:%d/%m/%Y}",
    )


def _cols(table: Table) -> list[str]:
    return [*table.cols, TOTAL] if table.additive else list(table.cols)


def pdf(report: Report, fund_name: str) -> bytes:
    """A4 landscape: heading, the chart of money by campaign, then each table."""
    doc = pdfdoc.document("L")
    pdfdoc.heading(doc, fund_name, *_heading(report))
    doc.set_font("DejaVu", "", 8)
    doc.cell(
        0,
        6,
        "Số đếm học sinh dưới 5 ghi “< 5”; một số ô khác cũng được ẩn để không suy ra được.",
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    _chart(doc, report.table("money_campaign"))
    for table in report.tables:
        _table(doc, table)
    return bytes(doc.output())


def _chart(doc: FPDF, table: Table) -> None:
    """Horizontal bars: money received by each campaign."""
    totals = [(label, sum(row)) for label, row in zip(table.rows, table.values, strict=True)]
    totals = [t for t in totals if t[1] > 0][:12]
    if not totals:
        return
    doc.ln(3)
    doc.set_font("DejaVu", "B", 11)
    doc.cell(0, 7, "Tiền ủng hộ theo chiến dịch", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("DejaVu", "", 8)
    biggest = max(v for _, v in totals)
    label_w, bar_w = 80, doc.w - doc.l_margin - doc.r_margin - 80 - 40
    for label, value in totals:
        y = doc.get_y()
        doc.cell(label_w, 6, label[:48])
        doc.set_fill_color(200, 40, 30)
        doc.rect(doc.l_margin + label_w, y + 1, max(1.0, bar_w * value / biggest), 4, style="F")
        doc.set_x(doc.l_margin + label_w + bar_w + 2)
        doc.cell(38, 6, format_vnd(value, "vi"), new_x="LMARGIN", new_y="NEXT")
    doc.set_fill_color(255, 255, 255)  # the bars' red must not fill the tables that follow


def _table(doc: FPDF, table: Table) -> None:
    doc.ln(4)
    doc.set_font("DejaVu", "B", 11)
    doc.multi_cell(0, 7, table.title, new_x="LMARGIN", new_y="NEXT")
    if not table.rows:
        doc.set_font("DejaVu", "", 9)
        doc.cell(0, 6, "Không có số liệu trong kỳ.", new_x="LMARGIN", new_y="NEXT")
        return
    cols = _cols(table)
    doc.set_font("DejaVu", "", 8)
    usable = doc.w - doc.l_margin - doc.r_margin
    first = min(70, usable / 3)
    widths = [first] + [(usable - first) / len(cols)] * len(cols)
    with doc.table(
        col_widths=widths,
        line_height=5,
        first_row_as_headings=True,
        headings_style=pdfdoc.HEADINGS,
        text_align=("LEFT",) + ("RIGHT",) * len(cols),
    ) as grid:
        head = grid.row()
        head.cell("")
        for c in cols:
            head.cell(c)
        for r, (label, values) in enumerate(table.shown_rows()):
            row = grid.row()
            row.cell(label if label is not None else TOTAL)
            for v in values:
                row.cell(table.text(r, v))


def xlsx(report: Report, fund_name: str) -> bytes:
    """One sheet per table; numbers as numbers, "< 5" as text; never a formula."""
    wb = Workbook()
    first = wb.active
    heading, sub = _heading(report)
    first.title = "Bao cao"
    append(first, [fund_name])
    append(first, [heading])
    append(first, [sub])
    first["A2"].font = Font(bold=True, size=14)
    for i, table in enumerate(report.tables, start=1):
        ws = wb.create_sheet(f"{i:02d} {table.key}"[:31])
        append(ws, [table.title])
        ws["A1"].font = Font(bold=True)
        append(ws, ["", *_cols(table)])
        for label, values in table.shown_rows():
            append(ws, [label if label is not None else TOTAL, *values])
        ws.column_dimensions["A"].width = 40
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
