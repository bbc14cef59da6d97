"""The small shared part of the fpdf2 documents of transparency/ (reports, commendation
lists): an A4 page with the DejaVu fonts (every Vietnamese letter), and the heading."""

from __future__ import annotations

from fpdf import FPDF
from fpdf.fonts import FontFace

from app.fonts import add_pdf_fonts

FONT = "DejaVu"
# Table headings: bold on light grey, set explicitly: a table takes the document's current
# fill colour otherwise (a bar chart's red filled every cell of the report).
HEADINGS = FontFace(emphasis="BOLD", fill_color=(235, 235, 235))


def document(orientation: str = "P") -> FPDF:
    """An A4 document with DejaVu regular and bold, pages added as the text runs on."""
    doc = FPDF(orientation=orientation, unit="mm", format="A4")
    add_pdf_fonts(doc, FONT)
    doc.set_auto_page_break(auto=True, margin=15)
    doc.add_page()
    return doc


def heading(doc: FPDF, fund_name: str, title: str, sub: str) -> None:
    """The fund's name, the title centred in bold, the line under it (unit, period)."""
    doc.set_font(FONT, "", 10)
    doc.cell(0, 6, fund_name, new_x="LMARGIN", new_y="NEXT")
    doc.set_font(FONT, "B", 15)
    doc.multi_cell(0, 9, title, align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_font(FONT, "", 11)
    doc.multi_cell(0, 7, sub, align="C", new_x="LMARGIN", new_y="NEXT")
