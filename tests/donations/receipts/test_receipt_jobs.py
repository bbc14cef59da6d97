"""Webhooks answer fast: the gift, its ledger entry and its numbered receipt are committed in
the answer; the receipt's PDF and e-mail are made by a job afterwards, retried when mail fails.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from huey.storage import MemoryStorage

from app import fonts
from app.extensions import db
from app.jobs.models import JobRun, JobStatus
from app.mail_models import MailStatus, OutboxMail
from donations.receipts import mail as receipt_mail
from donations.receipts.models import Receipt
from donations.receipts.pdf import render_pdf
from donations.recording import record_donation
from tests.conftest import login
from tests.fixtures.app import run_next_job
from tests.fixtures.database import fresh
from tests.fixtures.documents import pdf_text
from tests.fixtures.donations import SEPAY_KEY, post_sepay, sepay_body
from tests.fixtures.mail import free_port
from tests.fixtures.stripe import (
    STRIPE_KEY,
    WHSEC,
    build_cards_app,
    event,
    paid_session,
    post_event,
)


@pytest.fixture
def renders(monkeypatch):
    """Every receipt PDF rendered for a mail, by receipt number."""
    made: list[str] = []

    def counting(receipt):
        made.append(receipt.number)
        return render_pdf(receipt)

    monkeypatch.setattr(receipt_mail, "render_pdf", counting)
    return made


@pytest.fixture
def bank(app, monkeypatch, smtp):
    """SePay on, mail to the local SMTP server."""
    monkeypatch.setitem(app.config, "SEPAY_API_KEY", SEPAY_KEY)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", smtp[1])
    return smtp


@pytest.fixture
def pledge(make_bank_pledge, make_campaign):
    return make_bank_pledge(
        make_campaign(unit="province"), amount=300_000, email="nguoi.tang@example.org"
    )


def _attachment(message) -> bytes:
    [part] = [p for p in message.walk() if p.get_content_type() == "application/pdf"]
    return part.get_payload(decode=True)


def test_bank_webhook_commits_the_receipt_and_leaves_the_pdf_to_a_job(
    client, held, bank, pledge, renders
):
    inbox, _ = bank
    response = post_sepay(client, sepay_body(f"{pledge.reference} ung ho", 300_000))
    assert response.status_code == 200 and response.json == {"success": True}
    [receipt] = fresh(Receipt)
    assert receipt.amount == 300_000 and receipt.email == "nguoi.tang@example.org"
    [row] = fresh(OutboxMail)
    assert (row.kind, row.status, row.attempts) == ("receipt", MailStatus.pending, 0)
    [run] = fresh(JobRun)
    assert (run.name, run.status, run.args) == ("mail.deliver", JobStatus.queued, [row.id])
    assert renders == [] and inbox.messages == []  # the answer made no PDF and sent nothing
    assert held.pending_count() == 1

    run_next_job(held)
    assert renders == [receipt.number]
    [message] = inbox.messages
    assert message["To"] == "nguoi.tang@example.org"
    assert receipt.number in pdf_text(_attachment(message))
    assert fresh(OutboxMail)[0].status == MailStatus.sent
    assert fresh(JobRun)[0].status == JobStatus.done


def test_card_webhook_leaves_the_receipt_pdf_to_a_job(app_settings, held, make_pledge, smtp):
    inbox, port = smtp
    cards = build_cards_app(
        app_settings,
        STRIPE_SECRET_KEY=STRIPE_KEY,
        STRIPE_WEBHOOK_SECRET=WHSEC,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
    )
    held.immediate = False  # building an app binds the queue again: hold the jobs once more
    held.storage = MemoryStorage("thapsang-held")
    pledge = make_pledge(email="the@example.org")
    response = post_event(
        cards.test_client(), event("checkout.session.completed", paid_session(pledge))
    )
    assert response.status_code == 200
    [receipt] = fresh(Receipt)
    assert inbox.messages == [] and fresh(OutboxMail)[0].status == MailStatus.pending
    with cards.app_context():
        run_next_job(held)
        db.session.remove()
    [message] = inbox.messages
    assert receipt.number in pdf_text(_attachment(message))


def test_a_failed_delivery_is_retried_with_backoff_and_shown_to_admins(
    app, client, held, bank, pledge, monkeypatch, make_user
):
    inbox, port = bank
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nobody listens
    assert post_sepay(client, sepay_body(pledge.reference, 300_000)).status_code == 200
    run_next_job(held)
    [run] = fresh(JobRun)
    assert run.status == JobStatus.retrying and run.attempts == 1
    assert "ConnectionRefused" in run.error
    [row] = fresh(OutboxMail)
    assert row.status == MailStatus.pending and row.attempts == 1  # still queued, not lost
    assert [r.amount for r in fresh(Receipt)] == [300_000]  # the gift and receipt stand

    login(client, make_user("admin"))
    page = client.get("/quan-tri/cong-viec").get_data(as_text=True)
    assert "mail.deliver" in page and "ConnectionRefused" in page

    # Huey keeps the retry for later (30 s, doubled each time), not at once.
    assert held.pending_count() == 0 and held.scheduled_count() == 1
    assert held.read_schedule() == []
    soon = datetime.now(UTC).replace(tzinfo=None) + timedelta(seconds=25)
    assert held.read_schedule(soon) == []
    [retry] = held.read_schedule(soon + timedelta(hours=1))
    monkeypatch.setitem(app.config, "MAIL_PORT", port)  # the server is back
    held.execute(retry, timestamp=retry.eta)  # as a worker does when its time comes
    assert len(inbox.messages) == 1
    [run] = fresh(JobRun)
    assert run.status == JobStatus.done and run.attempts == 2 and run.error == ""
    assert fresh(OutboxMail)[0].status == MailStatus.sent


def test_receipt_fonts_are_cut_once_per_process(ctx, campaign):
    first = fonts.cut_fonts()
    misses = fonts.cut_fonts.cache_info().misses
    assert fonts.cut_fonts() == first and fonts.cut_fonts.cache_info().misses == misses
    assert all(path.stat().st_size < fonts.REGULAR.stat().st_size / 4 for path in first)
    assert fonts.pdf_fonts(["Nguyễn Thị Hoà · 1.500.000 ₫ – “Quỹ”"]) == first
    assert fonts.pdf_fonts(["Иван"]) == (fonts.REGULAR, fonts.BOLD)


LONG_NAME = "Hội Cựu Giáo Chức Và Phụ Huynh Học Sinh Trường Trung Học Cơ Sở Nguyễn Trãi Khoá 1995"


@pytest.mark.parametrize(
    "name",
    ["Trần Thị Thuỷ Ngọc", "Հայկ Պետրոսյան", LONG_NAME],
    ids=["vietnamese", "armenian", "wraps"],
)
def test_a_receipt_prints_every_name_whatever_the_fonts(ctx, campaign, make_pledge, name):
    pledge = make_pledge(amount=120_000, donor_name=name)
    record_donation(
        campaign=campaign,
        amount=120_000,
        provider="stripe",
        provider_ref=f"pi_{len(name)}",
        idempotency_key=f"stripe:pi_font_{len(name)}",
        pledge=pledge,
    )
    db.session.flush()
    [receipt] = fresh(Receipt)
    started = time.perf_counter()
    data = render_pdf(receipt)
    assert name in " ".join(pdf_text(data).split())  # a long name wraps onto a second line
    assert "Một trăm hai mươi nghìn đồng" in pdf_text(data)
    assert time.perf_counter() - started < 5


def _embedded_fonts(data: bytes) -> list[bytes]:
    from io import BytesIO

    from pypdf import PdfReader

    found = []
    for page in PdfReader(BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            for descendant in font.get_object()["/DescendantFonts"]:
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                found.append(descriptor["/FontFile2"].get_object().get_data())
    return found


def test_receipt_fonts_keep_true_glyph_bounds_without_hinting(ctx, campaign, make_pledge):
    """The per-PDF subset copies glyphs as they are (no re-measuring): their stored boxes must
    be the true ones, or viewers clip accents such as the hook in "Thuỷ"."""
    from io import BytesIO

    from fontTools.ttLib import TTFont

    pledge = make_pledge(amount=250_000, donor_name="Đỗ Thị Thuỷ Ngọc")
    record_donation(
        campaign=campaign,
        amount=250_000,
        provider="stripe",
        provider_ref="pi_bounds",
        idempotency_key="stripe:pi_bounds",
        pledge=pledge,
    )
    db.session.flush()
    [receipt] = fresh(Receipt)
    embedded = _embedded_fonts(render_pdf(receipt))
    assert len(embedded) == 2  # regular and bold
    for data in embedded:
        font = TTFont(BytesIO(data))
        glyf = font["glyf"]
        assert "fpgm" not in font and "prep" not in font  # the cut carries no hinting
        checked = 0
        for name in font.getGlyphOrder():
            glyph = glyf[name]
            if glyph.numberOfContours == 0:
                continue
            stored = (glyph.xMin, glyph.yMin, glyph.xMax, glyph.yMax)
            glyph.recalcBounds(glyf)
            assert stored == (glyph.xMin, glyph.yMin, glyph.xMax, glyph.yMax), name
            checked += 1
        assert checked > 20
