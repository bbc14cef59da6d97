"""'My gifts': a signed, expiring link by e-mail listing a donor's pledges, gifts and receipts."""

from __future__ import annotations

import re
import time

import pytest
from itsdangerous import TimestampSigner

from tests.fixtures.stripe import (
    STRIPE_KEY,
    WHSEC,
    build_cards_app,
    event,
    paid_session,
    post_event,
)

DONOR = "me.donor@example.com"


@pytest.fixture
def mail_app(app, app_settings, smtp):
    _, port = smtp
    return build_cards_app(
        app_settings,
        STRIPE_SECRET_KEY=STRIPE_KEY,
        STRIPE_WEBHOOK_SECRET=WHSEC,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
    )


def _link(inbox) -> str:
    for message in inbox.messages:
        if "Các khoản ủng hộ" in message["Subject"]:
            body = message.get_body(("plain",)).get_content()
            return re.search(r"http://localhost(/qua-cua-toi/\S+)", body).group(1)
    raise AssertionError("no link mail")


def test_link_lists_pledges_gifts_and_receipts(mail_app, smtp, make_pledge):
    inbox, _ = smtp
    client = mail_app.test_client()
    paid = make_pledge(email=DONOR, amount=300_000)
    make_pledge(email=DONOR.upper(), amount=120_000)  # waiting, typed in capitals
    make_pledge(email="someone.else@example.com", amount=999_000)
    post_event(client, event("checkout.session.completed", paid_session(paid)))

    response = client.post("/qua-cua-toi", data={"email": f"  {DONOR} ", "website": ""})
    assert response.status_code == 302
    page = client.get(_link(inbox))
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "private, no-store"
    html = page.get_data(as_text=True)
    assert paid.reference in html and "300.000 ₫" in html and "120.000 ₫" in html
    assert "999.000 ₫" not in html
    assert "Bạn đã ủng hộ 1 lần" in html
    pdf_link = re.search(r'href="(/bien-nhan/[^"]+\.pdf)"', html).group(1)
    download = client.get(pdf_link)
    assert download.status_code == 200 and download.data.startswith(b"%PDF")


def test_same_answer_for_unknown_address_and_no_mail(mail_app, smtp):
    inbox, _ = smtp
    client = mail_app.test_client()
    response = client.post(
        "/qua-cua-toi", data={"email": "nobody@example.com"}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "Nếu e-mail này đã dùng để ủng hộ" in response.get_data(as_text=True)
    assert inbox.messages == []


@pytest.mark.parametrize(
    ("value", "message"), [("", "Vui lòng nhập e-mail"), ("khong-phai-email", "không hợp lệ")]
)
def test_bad_address_is_explained(mail_app, smtp, value, message):
    response = mail_app.test_client().post("/qua-cua-toi", data={"email": value})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert smtp[0].messages == []


def test_honeypot_sends_nothing(mail_app, smtp, make_pledge):
    make_pledge(email=DONOR)
    response = mail_app.test_client().post("/qua-cua-toi", data={"email": DONOR, "website": "x"})
    assert response.status_code == 422
    assert smtp[0].messages == []


def test_expired_and_forged_links(mail_app, smtp, make_pledge, monkeypatch):
    make_pledge(email=DONOR)
    client = mail_app.test_client()
    day_ago = int(time.time()) - 25 * 3600
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: day_ago)
    client.post("/qua-cua-toi", data={"email": DONOR})
    monkeypatch.undo()
    old = client.get(_link(smtp[0]))
    assert old.status_code == 410
    assert "hết hạn" in old.get_data(as_text=True)
    forged = client.get("/qua-cua-toi/" + "eyJhbGciOiJIUzI1NiJ9.forged.sig")
    assert forged.status_code == 404
    assert "không hợp lệ" in forged.get_data(as_text=True)


def test_many_pledges_are_paginated(mail_app, smtp, make_pledge):
    for i in range(12):
        make_pledge(email=DONOR, amount=10_000 + i * 1_000)
    client = mail_app.test_client()
    client.post("/qua-cua-toi", data={"email": DONOR})
    link = _link(smtp[0])
    first = client.get(link).get_data(as_text=True)
    second = client.get(link + "?page=2").get_data(as_text=True)
    assert first.count('class="gift card"') == 10 and second.count('class="gift card"') == 2
    assert "Trang 1 / 2" in first


def test_no_pledges_left_shows_an_empty_state(mail_app, smtp, make_pledge):
    from donations.receipts.my_gifts import make_token

    with mail_app.app_context():
        token = make_token("ghost@example.com")
    html = mail_app.test_client().get(f"/qua-cua-toi/{token}").get_data(as_text=True)
    assert "Chưa có cam kết ủng hộ nào" in html


def test_service_messages_are_translated(mail_app, smtp):
    client = mail_app.test_client()
    client.get("/ngon-ngu/en")
    response = client.post("/qua-cua-toi", data={"email": ""})
    assert response.status_code == 422
    assert "Please enter the e-mail address you used when you gave." in response.get_data(
        as_text=True
    )
    forged = client.get("/qua-cua-toi/" + "eyJhbGciOiJIUzI1NiJ9.forged.sig")
    assert "This link is not valid." in forged.get_data(as_text=True)
