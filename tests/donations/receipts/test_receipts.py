"""Receipts: numbered per year, e-mailed over real SMTP with a PDF, downloadable again."""

from __future__ import annotations

import re

import pytest

from app.dbtypes import VN_TZ, utcnow
from app.extensions import db
from donations.receipts.models import Receipt
from donations.receipts.pdf import render_pdf
from donations.recording import record_donation
from tests.fixtures.database import fresh
from tests.fixtures.documents import pdf_text
from tests.fixtures.mail import free_port
from tests.fixtures.stripe import (
    STRIPE_KEY,
    WHSEC,
    build_cards_app,
    event,
    paid_session,
    post_event,
)

YEAR = utcnow().astimezone(VN_TZ).year


@pytest.fixture
def mail_app(app, app_settings, smtp):
    """Cards on, mail going to the local SMTP server."""
    _, port = smtp
    return build_cards_app(
        app_settings,
        STRIPE_SECRET_KEY=STRIPE_KEY,
        STRIPE_WEBHOOK_SECRET=WHSEC,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        FUND_ADDRESS="Số 1 Đường Thử Nghiệm, Tỉnh Sơn Hà",
    )


def _pdf_of(message) -> bytes:
    [part] = [p for p in message.walk() if p.get_content_type() == "application/pdf"]
    return part.get_payload(decode=True)


def _text_of(message) -> str:
    [part] = [p for p in message.walk() if p.get_content_type() == "text/plain"]
    return part.get_payload(decode=True).decode("utf-8")


def test_business_gift_gets_an_emailed_pdf_receipt(mail_app, smtp, make_pledge, campaign):
    inbox, _ = smtp
    pledge = make_pledge(
        amount=1_500_000,
        is_business=True,
        company_name="Công ty TNHH Ánh Dương Thử Nghiệm",
        tax_code="0312345678",
        company_address="12 Phố Mẫu, Phường Đồi Thông",
        email="ketoan@anhduong.example.org",
    )
    client = mail_app.test_client()
    assert (
        post_event(client, event("checkout.session.completed", paid_session(pledge))).status_code
        == 200
    )

    [message] = inbox.messages
    number = f"{YEAR}-000001"
    assert message["To"] == "ketoan@anhduong.example.org"
    assert number in message["Subject"]
    body = _text_of(message)
    assert "1.500.000 ₫" in body and campaign.title in body
    pdf = _pdf_of(message)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    for expected in (
        "BIÊN NHẬN ỦNG HỘ",
        number,
        "Quỹ Thắp sáng ước mơ tuổi trẻ",
        "Số 1 Đường Thử Nghiệm, Tỉnh Sơn Hà",
        "Công ty TNHH Ánh Dương Thử Nghiệm",
        "0312345678",
        campaign.title,
        "1.500.000 ₫",
        "Một triệu năm trăm nghìn đồng",
        "Thẻ thanh toán (Stripe)",
        pledge.reference,
    ):
        assert expected in text, expected
    assert b"/Subtype /Image" in pdf  # the QR code
    [receipt] = fresh(Receipt)
    assert receipt.number == number and receipt.tax_code == "0312345678"
    # The QR and the text point at the public check page of this receipt.
    assert "/bien-nhan/kiem-tra/" in text


def test_numbers_follow_each_other_and_replays_issue_none(mail_app, smtp, make_pledge):
    inbox, _ = smtp
    client = mail_app.test_client()
    first, second = make_pledge(), make_pledge(email="")
    one = event("checkout.session.completed", paid_session(first))
    post_event(client, one)
    post_event(client, one)
    post_event(client, event("checkout.session.completed", paid_session(second)))
    numbers = sorted(r.number for r in fresh(Receipt))
    assert numbers == [f"{YEAR}-000001", f"{YEAR}-000002"]
    assert len(inbox.messages) == 1  # the second donor left no e-mail


def test_download_again_by_signed_link(mail_app, smtp, make_pledge):
    inbox, _ = smtp
    client = mail_app.test_client()
    post_event(client, event("checkout.session.completed", paid_session(make_pledge())))
    link = re.search(
        r"http://localhost(/bien-nhan/[^\s]+\.pdf)", _text_of(inbox.messages[0])
    ).group(1)
    response = client.get(link)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    assert f"{YEAR}-000001" in pdf_text(response.data)
    token = link.split("/")[-1][: -len(".pdf")]
    assert client.get(f"/bien-nhan/{token[:-2]}xx.pdf").status_code == 404


def test_public_check_page_shows_the_gift_not_the_private_name(mail_app, smtp, make_pledge):
    client = mail_app.test_client()
    hidden = make_pledge(donor_name="Trần Thị Riêng Tư", show_on_wall=False)
    shown = make_pledge(donor_name="Lê Văn Công Khai", show_on_wall=True)
    for pledge in (hidden, shown):
        post_event(client, event("checkout.session.completed", paid_session(pledge)))
    pages = {}
    for message in smtp[0].messages:
        link = re.search(r"http://localhost(/bien-nhan/kiem-tra/\S+)", _text_of(message)).group(1)
        pages[message["Subject"]] = client.get(link)
    texts = [r.get_data(as_text=True) for r in pages.values()]
    assert len(pages) == 2 and all(r.status_code == 200 for r in pages.values())
    assert all("250.000 ₫" in t for t in texts)
    assert not any("Trần Thị Riêng Tư" in t for t in texts)
    assert any("Lê Văn Công Khai" in t for t in texts)
    assert client.get("/bien-nhan/kiem-tra/forged-token").status_code == 404


def test_refund_shows_on_the_check_page(mail_app, smtp, make_pledge):
    from tests.fixtures.stripe import charge

    client = mail_app.test_client()
    pledge = make_pledge(amount=200_000)
    post_event(client, event("checkout.session.completed", paid_session(pledge, intent="pi_chk")))
    post_event(client, event("charge.refunded", charge("pi_chk", amount=200_000, refunded=50_000)))
    link = re.search(
        r"http://localhost(/bien-nhan/kiem-tra/\S+)", _text_of(smtp[0].messages[0])
    ).group(1)
    assert "50.000 ₫" in client.get(link).get_data(as_text=True)


def test_smtp_down_never_loses_the_gift(app_settings, make_pledge):
    down = build_cards_app(
        app_settings,
        STRIPE_SECRET_KEY=STRIPE_KEY,
        STRIPE_WEBHOOK_SECRET=WHSEC,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=free_port(),
    )
    pledge = make_pledge()
    response = post_event(
        down.test_client(), event("checkout.session.completed", paid_session(pledge))
    )
    assert response.status_code == 200
    assert len(fresh(Receipt)) == 1


def test_in_kind_gifts_get_no_money_receipt(ctx, campaign):
    donation, created = record_donation(
        campaign=campaign,
        amount=50_000,
        provider="in_kind",
        provider_ref="HV-1",
        idempotency_key="test:hv1",
        asset="RICE_G",
    )
    db.session.commit()
    assert created and fresh(Receipt) == []


def test_bank_gift_without_pledge_gets_a_receipt_without_mail(ctx, campaign, smtp):
    record_donation(
        campaign=campaign,
        amount=75_000,
        provider="sepay",
        provider_ref="SP-1",
        idempotency_key="bank:sepay:SP-1",
    )
    db.session.commit()
    [receipt] = fresh(Receipt)
    assert receipt.amount == 75_000 and receipt.email == "" and receipt.reference == "SP-1"
    assert smtp[0].messages == []


def test_pdf_of_a_person_reads_out_the_amount(mail_app, make_pledge, campaign):
    pledge = make_pledge(amount=1_005_000, donor_name="Phạm Thị Thử")
    donation, _ = record_donation(
        campaign=campaign,
        amount=1_005_000,
        provider="stripe",
        provider_ref="pi_words",
        idempotency_key="stripe:pi_words",
        pledge=pledge,
    )
    db.session.commit()
    [receipt] = fresh(Receipt)
    with mail_app.app_context():
        text = pdf_text(render_pdf(db.session.get(Receipt, receipt.id)))
    assert "Phạm Thị Thử" in text
    assert "Một triệu không trăm linh năm nghìn đồng" in text
    assert "Mã số thuế" not in text


# --- the outbox: receipts are queued with the gift, rendered when sent ---------------------------


def _outbox():
    from app.mail_models import OutboxMail

    return sorted(fresh(OutboxMail), key=lambda r: r.id)


def test_receipt_is_queued_with_the_gift_and_stores_no_pdf(mail_app, smtp, make_pledge):
    from app.mail_models import MailStatus

    post_event(
        mail_app.test_client(), event("checkout.session.completed", paid_session(make_pledge()))
    )
    [row] = _outbox()
    [receipt] = fresh(Receipt)
    assert row.kind == "receipt" and row.payload["receipt_id"] == receipt.id
    assert row.status == MailStatus.sent and row.text == "" and "attachments" not in row.payload
    assert len(smtp[0].messages) == 1


def test_rolled_back_gift_queues_no_receipt(mail_app, smtp, make_pledge, campaign):
    from app import uow

    pledge = make_pledge()
    with mail_app.app_context():
        record_donation(
            campaign=campaign,
            amount=250_000,
            provider="stripe",
            provider_ref="pi_rollback",
            idempotency_key="stripe:pi_rollback",
            pledge=db.session.get(type(pledge), pledge.id),
        )
        uow.rollback()
        uow.commit()
        db.session.remove()
    assert _outbox() == [] and fresh(Receipt) == [] and smtp[0].messages == []


def test_smtp_down_receipt_waits_in_the_outbox_then_is_sent(app_settings, smtp, make_pledge):
    from app.mail_models import MailStatus

    inbox, port = smtp
    down = build_cards_app(
        app_settings,
        STRIPE_SECRET_KEY=STRIPE_KEY,
        STRIPE_WEBHOOK_SECRET=WHSEC,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=free_port(),
        MAIL_RETRY_SECONDS=0,
    )
    post_event(down.test_client(), event("checkout.session.completed", paid_session(make_pledge())))
    [row] = _outbox()
    assert row.status == MailStatus.pending and row.attempts == 1 and row.last_error
    up = build_cards_app(app_settings, MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    with up.app_context():  # the CLI runs in the current app context, so push this one
        result = up.test_cli_runner().invoke(args=["mail", "send-pending"])
        assert result.exit_code == 0 and "Đã gửi 1 thư" in result.output, result.output
        [message] = inbox.messages
        assert f"{YEAR}-000001" in pdf_text(_pdf_of(message))
        assert up.test_cli_runner().invoke(args=["mail", "send-pending"]).exit_code == 0
        db.session.remove()
    assert len(inbox.messages) == 1 and _outbox()[0].status == MailStatus.sent


def test_statement_import_queues_receipts_for_send_pending(
    app_settings, smtp, make_campaign, make_bank_pledge, tmp_path
):
    from app.mail_models import MailStatus
    from tests.fixtures.donations import rows_for, write_csv

    inbox, port = smtp
    with_mail = build_cards_app(app_settings, MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    campaign_row = make_campaign(unit="province")
    pledges = [
        make_bank_pledge(campaign_row, amount=100_000 * (i + 1), email=f"donor{i}@example.org")
        for i in range(3)
    ]
    path = write_csv(tmp_path / "receipts.csv", rows_for(pledges))
    runner = with_mail.test_cli_runner()
    with with_mail.app_context():
        result = runner.invoke(args=["bank", "import", str(path)])
        assert result.exit_code == 0, result.output
        assert "3 thư đã xếp vào hàng đợi" in result.output
        assert "flask mail send-pending" in result.output
        assert inbox.messages == []  # the import itself sends nothing
        assert [r.status for r in _outbox()] == [MailStatus.pending] * 3
        sent = runner.invoke(args=["mail", "send-pending", "--batch-size", "2"])
        assert sent.exit_code == 0 and "Đã gửi 3 thư" in sent.output, sent.output
        db.session.remove()
    assert sorted(m["To"] for m in inbox.messages) == [f"donor{i}@example.org" for i in range(3)]
    assert all(_pdf_of(m).startswith(b"%PDF") for m in inbox.messages)
