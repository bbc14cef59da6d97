"""Printable QR posters (A4 PDF and PNG) for schools and events."""

from __future__ import annotations

import io

import qrcode
from fpdf import FPDF
from PIL import Image, ImageDraw

from app.fonts import add_pdf_fonts
from campaigns.images import image_exists, variant_path
from campaigns.models import Campaign
from campaigns.share import font, wrap

A4_PX = (1240, 1754)  # 150 dpi


def qr_image(url: str, box: int = 10) -> Image.Image:
    """A black-on-white QR code with a quiet zone, high error correction (survives print)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_Q, box_size=box, border=4)
    code.add_data(url)
    code.make(fit=True)
    return code.make_image(fill_color="black", back_color="white").get_image().convert("RGB")


def poster_png(campaign: Campaign, url: str, fund_name: str) -> bytes:
    """The poster as an A4 PNG at 150 dpi."""
    page = Image.new("RGB", A4_PX, "white")
    draw = ImageDraw.Draw(page)
    width = A4_PX[0] - 160
    draw.rectangle((0, 0, A4_PX[0], 24), fill=(179, 38, 30))
    draw.text((80, 70), fund_name, font=font(38, bold=True), fill=(179, 38, 30))
    y = 140
    for line in wrap(draw, campaign.title, font(64, bold=True), width, 3):
        draw.text((80, y), line, font=font(64, bold=True), fill=(27, 31, 36))
        y += 82
    if image_exists(campaign.cover_image):
        with Image.open(variant_path(campaign.cover_image, "full", "jpg")) as cover:
            cover = cover.convert("RGB")
            cover.thumbnail((width, 520))
            page.paste(cover, ((A4_PX[0] - cover.width) // 2, y + 20))
            y += cover.height + 50
    for line in wrap(draw, campaign.summary, font(32), width, 3):
        draw.text((80, y), line, font=font(32), fill=(27, 31, 36))
        y += 44
    qr = qr_image(url, box=12)
    qr.thumbnail((560, 560))
    qy = max(y + 30, A4_PX[1] - 760)
    page.paste(qr, ((A4_PX[0] - qr.width) // 2, qy))
    caption = "Quét mã để ủng hộ"
    face = font(40, bold=True)
    draw.text(
        ((A4_PX[0] - draw.textlength(caption, font=face)) // 2, qy + qr.height + 10),
        caption,
        font=face,
        fill=(27, 31, 36),
    )
    face = font(34)
    draw.text(
        ((A4_PX[0] - draw.textlength(url, font=face)) // 2, qy + qr.height + 70),
        url,
        font=face,
        fill=(10, 79, 176),
    )
    out = io.BytesIO()
    page.save(out, "PNG", optimize=True, dpi=(150, 150))
    return out.getvalue()


def poster_pdf(campaign: Campaign, url: str, fund_name: str) -> bytes:
    """The poster as an A4 PDF with the fund's Vietnamese font embedded."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    add_pdf_fonts(pdf, "DejaVu")
    pdf.add_page()
    pdf.set_fill_color(179, 38, 30)
    pdf.rect(0, 0, 210, 5, "F")
    pdf.set_xy(15, 14)
    pdf.set_font("DejaVu", "B", 15)
    pdf.set_text_color(179, 38, 30)
    pdf.cell(180, 8, fund_name)
    pdf.set_xy(15, 26)
    pdf.set_font("DejaVu", "B", 26)
    pdf.set_text_color(27, 31, 36)
    pdf.multi_cell(180, 11, campaign.title, max_line_height=11)
    y = pdf.get_y() + 4
    if image_exists(campaign.cover_image):
        path = variant_path(campaign.cover_image, "full", "jpg")
        with Image.open(path) as cover:
            ratio = cover.height / cover.width
        h = min(90, 180 * ratio)
        w = h / ratio
        pdf.image(str(path), x=(210 - w) / 2, y=y, w=w, h=h)
        y += h + 6
    pdf.set_xy(15, y)
    pdf.set_font("DejaVu", "", 13)
    pdf.multi_cell(180, 6.5, campaign.summary)
    qr = qr_image(url)
    buffer = io.BytesIO()
    qr.save(buffer, "PNG")
    side = 85
    qy = max(pdf.get_y() + 6, 297 - side - 40)
    pdf.image(buffer, x=(210 - side) / 2, y=qy, w=side, h=side)
    pdf.set_xy(15, qy + side + 3)
    pdf.set_font("DejaVu", "B", 18)
    pdf.cell(180, 9, "Quét mã để ủng hộ", align="C")
    pdf.set_xy(15, qy + side + 13)
    pdf.set_font("DejaVu", "", 14)
    pdf.set_text_color(10, 79, 176)
    pdf.cell(180, 8, url, align="C")
    return bytes(pdf.output())
