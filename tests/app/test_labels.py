"""Codes in words: one table of ledger entry kinds and card-session statuses, used by every page
that shows them, in Vietnamese and in English."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.dbtypes import utcnow
from app.extensions import db
from app.labels import CARD_SESSION_STATUSES, ENTRY_KINDS, card_session_status, entry_kind
from app.ledger import service as ledger
from donations.cards.models import CardCheckout, CheckoutStatus
from tests.conftest import login
from transparency.statement.services import KIND_LABELS


def test_every_ledger_kind_and_card_status_has_words():
    assert set(ENTRY_KINDS) == set(ledger.KINDS)
    assert set(CARD_SESSION_STATUSES) == {s.value for s in CheckoutStatus}
    assert KIND_LABELS is ENTRY_KINDS  # the statement reads the same table


def test_filters_take_codes_or_enum_members(app):
    with app.test_request_context("/"):
        assert entry_kind("chargeback") == "Khiếu nại thẻ (chargeback)"
        assert card_session_status(CheckoutStatus.expired) == "Hết hạn, chưa thanh toán"
        assert entry_kind("unknown") == "unknown"  # a new code shows rather than vanishing
    with app.app_context(), app.test_request_context("/?lang=en"):
        assert entry_kind("in_kind") == "In-kind gift"
        assert card_session_status("open") == "Awaiting payment"


VI = ["Đang chờ thanh toán", "Đã thanh toán", "Hết hạn, chưa thanh toán", "Thanh toán thất bại"]
EN = ["Awaiting payment", "Paid", "Expired, not paid", "Payment failed"]


@pytest.mark.parametrize(("lang", "words"), [("vi", VI), ("en", EN)])
def test_card_sessions_page_shows_statuses_in_words(
    cards_client, make_pledge, make_user, lang, words
):
    statuses = [CheckoutStatus.open, CheckoutStatus.paid, CheckoutStatus.expired]
    statuses.append(CheckoutStatus.failed)
    for i, status in enumerate(statuses):
        pledge = make_pledge()
        db.session.add(
            CardCheckout(
                pledge_id=pledge.id,
                session_id=f"cs_test_words_{i}",
                mode="payment",
                amount=pledge.amount,
                status=status,
                expires_at=utcnow() + timedelta(minutes=30),
            )
        )
    db.session.commit()
    login(cards_client, make_user("treasurer"))
    html = cards_client.get(f"/quan-tri/ung-ho/the?view=sessions&lang={lang}").get_data(
        as_text=True
    )
    badges = html.split("<tbody>", 1)[1]
    for word in words:
        assert f'<span class="badge">{word}</span>' in badges
    for code in ("open", "paid", "expired", "failed", "complete"):
        assert f">{code}<" not in html  # neither in a badge nor in the status filter
    assert f'<option value="expired">{words[2]}</option>' in html


def test_public_entry_check_page_names_the_kind(client, campaign):
    posting = ledger.post(
        source="world",
        destination=campaign.account,
        asset="VND",
        amount=150_000,
        kind="donation",
        ref="T-LABEL",
        idempotency_key="test:label-kind",
    )
    db.session.commit()
    url = f"/xac-minh/{posting.entry.seq}"
    assert "<dd>Ủng hộ</dd>" in client.get(url).get_data(as_text=True)
    english = client.get(url + "?lang=en").get_data(as_text=True)
    assert "<dd>Donation</dd>" in english and "<dd>donation</dd>" not in english
