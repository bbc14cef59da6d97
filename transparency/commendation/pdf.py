"""The commendation list as a PDF for the meeting: the included units, then people, in the
order the secretariat set, each with its citation and the figures behind it."""

from __future__ import annotations

from flask_babel import force_locale
from fpdf import FPDF

from app.money import format_vnd
from transparency.commendation.models import CommendationEntry, CommendationList
from transparency.commendation.services import FIGURE, FIGURES, printed
from transparency.reports import pdfdoc


def figures_text(entry: CommendationEntry) -> str:
    """ "Học sinh trở lại lớp: 12 · Lần thăm hộ gia đình: 30" (money as 1.500.000 ₫)."""
    parts = []
    for key in FIGURES:
        value = entry.figures.get(key)
        if value:
            shown = format_vnd(value, "vi") if key == "money" else f"{value:,}".replace(",", ".")
            parts.append(f"{FIGURE[key]}: {shown}")
    return " · ".join(parts)


def render(item: CommendationList, fund_name: str) -> bytes:
    """A4 portrait: heading, then a numbered table for units and one for people."""
    with force_locale("vi"):  # read out at the meeting: Vietnamese whatever the page's language
        return _render(item, fund_name)


def _render(item: CommendationList, fund_name: str) -> bytes:
    doc = pdfdoc.document()
    period = f"Từ {item.first:%d/%m/%Y} đến {item.last:%d/%m/%Y}"
    pdfdoc.heading(doc, fund_name, item.title, f"{item.unit.name} · {period}")
    units, people = printed(item)
    for title, rows in (("Tập thể", units), ("Cá nhân", people)):
        _section(doc, title, rows)
    return bytes(doc.output())


def _section(doc: FPDF, title: str, rows: list[CommendationEntry]) -> None:
    doc.ln(4)
    doc.set_font(pdfdoc.FONT, "B", 12)
    doc.cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    doc.set_font(pdfdoc.FONT, "", 10)
    if not rows:
        doc.cell(0, 6, "Không có.", new_x="LMARGIN", new_y="NEXT")
        return
    with doc.table(
        col_widths=(12, 58, 110),
        line_height=5.5,
        first_row_as_headings=True,
        headings_style=pdfdoc.HEADINGS,
        text_align=("CENTER", "LEFT", "LEFT"),
    ) as grid:
        head = grid.row()
        for label in ("TT", "Tên", "Thành tích"):
            head.cell(label)
        for i, entry in enumerate(rows, start=1):
            row = grid.row()
            row.cell(str(i))
            row.cell(entry.name + (f"\n{entry.unit_name}" if entry.unit_name else ""))
            lines = [entry.citation] if entry.citation else []
            row.cell("\n".join([*lines, figures_text(entry)]))
