"""The receipt as a PDF: DejaVu for full Vietnamese coverage, amount in words, a check QR."""

from __future__ import annotations

import qrcode
from flask import current_app
from flask_babel import force_locale
from fpdf import FPDF

from app.dbtypes import VN_TZ
from app.fonts import add_pdf_fonts, pdf_fonts
from app.money import amount_in_words, format_vnd
from donations.receipts.models import Receipt
from donations.receipts.services import receipt_context, site_url

FONT = "DejaVu"
LABEL_WIDTH = 48


def _qr_image(url: str):
    # A fixed mask pattern: choosing the best of eight costs more than the PDF's text.
    code = qrcode.QRCode(
        border=1, box_size=8, error_correction=qrcode.constants.ERROR_CORRECT_M, mask_pattern=2
    )
    code.add_data(url)
    code.make(fit=True)
    return code.make_image(fill_color="black", back_color="white").get_image()


def text_block(pdf: FPDF, width: float, height: float, text: str, **move) -> None:
    """`multi_cell`, but a text that fits on one line is written as a plain cell: fpdf2's line
    breaking measures glyph by glyph, a third of a receipt's time, for lines that never wrap."""
    if "\n" not in text and pdf.get_string_width(text) <= width - 2 * pdf.c_margin:
        pdf.cell(width, height, text, **move)
    else:
        pdf.multi_cell(width, height, text, **move)


def receipt_rows(receipt: Receipt, method_label: str) -> list[tuple[str, str]]:
    """The label/value lines of the receipt, in order (also what tests read back)."""
    if receipt.is_business and receipt.company_name:
        # A company's gift is received from the company; the person is its contact.
        rows = [
            ("Đã nhận của", receipt.company_name),
            ("Mã số thuế", receipt.tax_code),
            ("Địa chỉ", receipt.company_address),
            ("Người liên hệ", receipt.donor_name),
        ]
    else:
        rows = [("Đã nhận của", receipt.donor_name or "Nhà hảo tâm")]
    received = receipt.received_at.astimezone(VN_TZ)
    rows += [
        ("Ủng hộ chiến dịch", receipt.campaign_title),
        ("Số tiền", format_vnd(receipt.amount, "vi")),
        ("Bằng chữ", amount_in_words(receipt.amount)),
        ("Hình thức", method_label),
        ("Mã tham chiếu", receipt.reference),
        ("Thời điểm nhận", received.strftime("%H:%M ngày %d/%m/%Y")),
    ]
    if receipt.ledger_seq:
        rows.append(("Sổ cái công khai", f"bút toán số {receipt.ledger_seq}"))
        if "verification.entry" in current_app.view_functions:  # the transparency package
            proof = site_url("verification.entry", seq=receipt.ledger_seq)
            rows.append(("Bằng chứng trong sổ", proof))
    return [(label, value) for label, value in rows if value]


def _texts(receipt: Receipt, cfg) -> list[str]:
    """The free texts a receipt prints (names, addresses, titles), for the choice of fonts."""
    return [
        receipt.donor_name,
        receipt.company_name,
        receipt.company_address,
        receipt.campaign_title,
        receipt.reference,
        receipt.void_reason or "",
        cfg["FUND_NAME"],
        cfg.get("FUND_ADDRESS") or "",
        cfg["FUND_PHONE"],
        cfg["FUND_EMAIL"],
        cfg["SITE_URL"],
    ]


def render_pdf(receipt: Receipt) -> bytes:
    """The receipt PDF (A4 portrait) as bytes."""
    cfg = current_app.config
    with force_locale("vi"):  # the receipt is a Vietnamese document, whoever asks for it
        context = receipt_context(receipt)
    pdf = FPDF(format="A4")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(auto=True, margin=16)
    # The cut fonts (made once per process) unless a name needs a glyph outside them.
    regular, bold = pdf_fonts(_texts(receipt, cfg))
    add_pdf_fonts(pdf, FONT, regular, bold)
    pdf.set_title(f"Biên nhận {receipt.number}")
    pdf.set_author(cfg["FUND_NAME"])
    pdf.set_creator(cfg["FUND_NAME"])
    pdf.set_creation_date(receipt.issued_at)
    pdf.add_page()
    width = pdf.epw

    for size, line in fund_header(cfg):
        pdf.set_font(FONT, "B" if size > 10 else "", size)
        text_block(pdf, width, 7 if size > 10 else 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)

    pdf.set_font(FONT, "B", 18)
    pdf.cell(width, 10, "BIÊN NHẬN ỦNG HỘ", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 11)
    issued = receipt.issued_at.astimezone(VN_TZ)
    pdf.cell(
        width,
        6,
        f"Số: {receipt.number} · Ngày {issued:%d/%m/%Y}",
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(8)
    if receipt.voided_at is not None:
        # A void receipt still downloads (it was sent), but says plainly that it no longer stands.
        pdf.set_font(FONT, "B", 12)
        pdf.set_text_color(160, 20, 20)
        voided = receipt.voided_at.astimezone(VN_TZ)
        pdf.multi_cell(
            width,
            7,
            f"ĐÃ HUỶ ngày {voided:%d/%m/%Y}: {receipt.void_reason}",
            align="C",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_text_color(0, 0, 0)
        pdf.ln(4)

    for label, value in receipt_rows(receipt, context["method_label"]):
        pdf.set_font(FONT, "", 10)
        y = pdf.get_y()
        text_block(pdf, LABEL_WIDTH, 6, f"{label}:", new_x="RIGHT", new_y="TOP")
        pdf.set_font(FONT, "B" if label in ("Số tiền", "Đã nhận của") else "", 11)
        text_block(pdf, width - LABEL_WIDTH, 6, value, new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(max(pdf.get_y(), y + 6) + 1.5)

    pdf.ln(6)
    top = pdf.get_y()
    size = 38
    if top + size + 20 > pdf.h - 16:
        pdf.add_page()
        top = pdf.get_y()
    pdf.image(_qr_image(context["check_url"]), x=18, y=top, w=size, h=size)
    pdf.set_xy(18 + size + 6, top + 2)
    pdf.set_font(FONT, "B", 10)
    text_block(pdf, width - size - 6, 5, "Kiểm tra biên nhận", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(18 + size + 6)
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(
        width - size - 6,
        5,
        "Quét mã QR hoặc mở đường dẫn dưới đây để xem khoản ủng hộ này trên trang công khai "
        "của Quỹ và trong sổ cái có thể kiểm chứng.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_x(18 + size + 6)
    pdf.set_font(FONT, "", 7)
    text_block(pdf, width - size - 6, 4, context["check_url"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(pdf.get_y(), top + size) + 8)

    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(
        width,
        6,
        "Quỹ trân trọng cảm ơn tấm lòng của quý vị đã góp phần giúp các em học sinh có hoàn "
        "cảnh khó khăn tiếp tục đến trường. Biên nhận được lập tự động khi Quỹ nhận được tiền.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(6)
    sign_block(pdf, cfg)
    return bytes(pdf.output())


def fund_header(cfg) -> list[tuple[int, str]]:
    """(font size, line) of the fund's letterhead: legal name, address, tax code, contact."""
    lines = [(13, cfg.get("FUND_LEGAL_NAME") or cfg["FUND_NAME"])]
    if cfg.get("FUND_ADDRESS"):
        lines.append((9, f"Địa chỉ: {cfg['FUND_ADDRESS']}"))
    if cfg.get("FUND_TAX_CODE"):
        lines.append((9, f"Mã số thuế: {cfg['FUND_TAX_CODE']}"))
    contact = " · ".join(part for part in (cfg["FUND_PHONE"], cfg["FUND_EMAIL"]) if part)
    if contact:
        lines.append((9, contact))
    return lines


def sign_block(pdf: FPDF, cfg) -> None:
    """The signatory's title, room to sign, and name, on the right."""
    width = pdf.epw
    pdf.set_font(FONT, "B", 10)
    title = (cfg.get("FUND_SIGNATORY_TITLE") or "Đại diện Quỹ").upper()
    pdf.cell(width, 6, title, align="R", new_x="LMARGIN", new_y="NEXT")
    name = cfg.get("FUND_SIGNATORY_NAME")
    if name:
        pdf.ln(18)
        pdf.cell(width, 6, name, align="R", new_x="LMARGIN", new_y="NEXT")
