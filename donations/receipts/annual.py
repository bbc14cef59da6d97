"""A business's consolidated annual receipt: every gift of one tax code in one year, in one PDF.

Reached from the donor's "my gifts" link (signed, time-limited), so only the address the
receipts went to can ask for it. The single receipts stay as they are; this one lists them.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from fpdf import FPDF
from sqlalchemy import select

from app.dbtypes import VN_TZ, utcnow
from app.extensions import db
from app.fonts import add_pdf_fonts
from app.money import amount_in_words, format_vnd
from donations.receipts.models import Receipt
from donations.receipts.pdf import FONT, fund_header, sign_block


@dataclass(frozen=True)
class AnnualChoice:
    """A year and a company the donor can ask a consolidated receipt for."""

    year: int
    tax_code: str
    company_name: str
    count: int
    total: int


def annual_choices(email: str) -> list[AnnualChoice]:
    """Years × tax codes with business receipts still standing for this address, newest first."""
    rows = db.session.execute(
        select(Receipt)
        .where(Receipt.email == email, Receipt.is_business.is_(True), Receipt.voided_at.is_(None))
        .order_by(Receipt.year.desc(), Receipt.id)
    ).scalars()
    found: dict[tuple[int, str], list[Receipt]] = {}
    for receipt in rows:
        found.setdefault((receipt.year, receipt.tax_code), []).append(receipt)
    return [
        AnnualChoice(year, tax, items[-1].company_name, len(items), sum(r.amount for r in items))
        for (year, tax), items in found.items()
    ]


def annual_receipts(email: str, year: int, tax_code: str) -> list[Receipt]:
    """The standing business receipts of this address, tax code and year, in number order."""
    return list(
        db.session.execute(
            select(Receipt)
            .where(
                Receipt.email == email,
                Receipt.is_business.is_(True),
                Receipt.voided_at.is_(None),
                Receipt.year == year,
                Receipt.tax_code == tax_code,
            )
            .order_by(Receipt.seq)
        ).scalars()
    )


def render_annual_pdf(receipts: list[Receipt], year: int) -> bytes:
    """The consolidated receipt (A4): the company, each gift, the total in figures and words."""
    cfg = current_app.config
    last = receipts[-1]
    total = sum(r.amount for r in receipts)
    pdf = FPDF(format="A4")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(auto=True, margin=16)
    add_pdf_fonts(pdf, FONT)
    pdf.set_title(f"Biên nhận tổng hợp năm {year} – {last.tax_code}")
    pdf.set_author(cfg["FUND_NAME"])
    pdf.add_page()
    width = pdf.epw
    for size, line in fund_header(cfg):
        pdf.set_font(FONT, "B" if size > 10 else "", size)
        pdf.multi_cell(width, 7 if size > 10 else 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font(FONT, "B", 16)
    pdf.cell(width, 9, f"BIÊN NHẬN TỔNG HỢP NĂM {year}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    today = utcnow().astimezone(VN_TZ)
    pdf.cell(width, 6, f"Lập ngày {today:%d/%m/%Y}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    for label, value in (
        ("Đã nhận của", last.company_name),
        ("Mã số thuế", last.tax_code),
        ("Địa chỉ", last.company_address),
    ):
        if value:
            pdf.set_font(FONT, "", 10)
            pdf.cell(40, 6, f"{label}:")
            pdf.set_font(FONT, "B" if label == "Đã nhận của" else "", 11)
            pdf.multi_cell(width - 40, 6, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    widths = (32, 24, width - 32 - 24 - 38, 38)
    pdf.set_font(FONT, "B", 9)
    for w, head in zip(widths, ("Số biên nhận", "Ngày nhận", "Chiến dịch", "Số tiền"), strict=True):
        pdf.cell(w, 7, head, border=1, align="R" if head == "Số tiền" else "L")
    pdf.ln()
    pdf.set_font(FONT, "", 9)
    for r in receipts:
        received = r.received_at.astimezone(VN_TZ)
        cells = (
            r.number,
            f"{received:%d/%m/%Y}",
            r.campaign_title[:60],
            format_vnd(r.amount, "vi"),
        )
        for w, text in zip(widths, cells, strict=True):
            pdf.cell(w, 7, text, border=1, align="R" if text == cells[-1] else "L")
        pdf.ln()
    pdf.set_font(FONT, "B", 10)
    pdf.cell(sum(widths[:-1]), 8, f"Tổng cộng ({len(receipts)} khoản)", border=1, align="R")
    pdf.cell(widths[-1], 8, format_vnd(total, "vi"), border=1, align="R")
    pdf.ln(10)
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(width, 6, f"Bằng chữ: {amount_in_words(total)}", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(
        width,
        6,
        "Biên nhận này tổng hợp các biên nhận đã cấp trong năm; mỗi khoản kiểm tra được bằng "
        "số biên nhận của nó trên trang công khai của Quỹ.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(6)
    sign_block(pdf, cfg)
    return bytes(pdf.output())
