"""The donation form, pledges and the VietQR page, as a donor meets them."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.errors import DomainError
from app.extensions import db
from campaigns.models import Campaign, CampaignStatus
from donations.bank.vietqr import parse_payload
from donations.pledges import refcode, services
from donations.pledges.models import Pledge, PledgeStatus


def pledge_count() -> int:
    return db.session.execute(select(func.count()).select_from(Pledge)).scalar_one()


FORM = {
    "amount_choice": "200000",
    "amount_other": "",
    "donor_name": "Chị Mai Thử",
    "show_on_wall": "y",
    "email": "mai@example.org",
    "method": "bank",
}


def test_donate_creates_pledge_and_shows_qr_page(client, make_campaign):
    make_campaign(unit="province")
    response = client.post("/ung-ho/hoc-bong-thu", data=FORM)
    assert response.status_code == 303
    reference = response.headers["Location"].rsplit("/", 1)[1]
    assert refcode.is_valid(reference)
    page = client.get(f"/ung-ho/p/{reference}").get_data(as_text=True)
    assert "200.000" in page and reference in page
    assert "0011001932418" in page and "QUY THAP SANG UOC MO" in page and "VietinBank" in page
    assert 'data-copy="0011001932418"' in page
    assert "Đang chờ ngân hàng" in page
    assert "include" not in page  # the card include point renders nothing without the card part
    pledge = db.session.execute(select(Pledge)).scalar_one()
    assert pledge.amount == 200_000 and pledge.status == PledgeStatus.pending
    assert pledge.expires_at is not None and not pledge.monthly


def test_free_amount_in_vietnamese_notation(client, make_campaign):
    make_campaign(unit="province")
    client.post(
        "/ung-ho/hoc-bong-thu", data={**FORM, "amount_choice": "other", "amount_other": "1,5 triệu"}
    )
    assert db.session.execute(select(Pledge.amount)).scalar_one() == 1_500_000


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("5.000", "tối thiểu"),
        ("-100000", "lớn hơn 0"),
        ("abc", "không hợp lệ"),
        ("100000,5", "số nguyên"),
        ("99.000.000.000", "tối đa"),
    ],
)
def test_bad_amounts_are_explained_and_nothing_saved(client, typed, message, make_campaign):
    make_campaign(unit="province")
    response = client.post(
        "/ung-ho/hoc-bong-thu", data={**FORM, "amount_choice": "other", "amount_other": typed}
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert pledge_count() == 0


@pytest.mark.parametrize(
    ("tax_code", "ok"),
    [
        ("0101234567", True),
        ("0101234567-001", True),
        ("0101234567001", True),
        ("010123456", False),
        ("01012345678", False),
        ("0101234567-01", False),
        ("ABCDEFGHIJ", False),
    ],
)
def test_business_tax_code(client, tax_code, ok, make_campaign):
    make_campaign(unit="province")
    data = {
        **FORM,
        "is_business": "y",
        "company_name": "Công ty TNHH Thử",
        "tax_code": tax_code,
        "company_address": "1 Đường Thử, Sơn Hà",
    }
    response = client.post("/ung-ho/hoc-bong-thu", data=data)
    if ok:
        assert response.status_code == 303
        assert db.session.execute(select(Pledge.tax_code)).scalar_one().startswith("0101234567")
    else:
        assert response.status_code == 422
        assert "Mã số thuế gồm 10 chữ số" in response.get_data(as_text=True)
        assert pledge_count() == 0


def test_business_pledge_shows_company_name_in_public(ctx, make_bank_pledge, make_campaign):
    campaign = make_campaign(unit="province")
    pledge = make_bank_pledge(
        campaign,
        is_business=True,
        company_name="Công ty Thử",
        tax_code="0101234567-002",
        company_address="Sơn Hà",
        show_on_wall=True,
    )
    assert pledge.tax_code == "0101234567-002"
    assert pledge.public_name == "Công ty Thử"


def test_anonymous_pledge_needs_no_name_and_hides_it(ctx, make_bank_pledge, make_campaign):
    campaign = make_campaign(unit="province")
    pledge = make_bank_pledge(campaign, donor_name="", anonymous=True, show_on_wall=True)
    assert pledge.public_name == "" and pledge.show_on_wall is False


def test_name_or_anonymous_required(client, make_campaign):
    make_campaign(unit="province")
    response = client.post("/ung-ho/hoc-bong-thu", data={**FORM, "donor_name": ""})
    assert response.status_code == 422
    assert "ẩn danh" in response.get_data(as_text=True)


def test_bad_email_refused(client, make_campaign):
    make_campaign(unit="province")
    response = client.post("/ung-ho/hoc-bong-thu", data={**FORM, "email": "khong-phai-email"})
    assert response.status_code == 422
    assert "E-mail không hợp lệ" in response.get_data(
        as_text=True
    ) or "e-mail không hợp lệ" in response.get_data(as_text=True)
    assert pledge_count() == 0


def test_closed_campaign_takes_no_pledge(client, make_campaign):
    make_campaign(unit="province", status=CampaignStatus.closed)
    page = client.get("/ung-ho/hoc-bong-thu")
    assert page.status_code == 200
    assert "không còn nhận ủng hộ" in page.get_data(as_text=True)
    client.post("/ung-ho/hoc-bong-thu", data=FORM)
    assert pledge_count() == 0
    campaign = db.session.execute(select(Campaign)).scalar_one()
    with pytest.raises(DomainError):
        services.create_pledge(
            services.PledgeRequest(campaign=campaign, amount=100_000, donor_name="A")
        )


def test_draft_campaign_is_404(client, make_campaign):
    make_campaign(unit="province", status=CampaignStatus.draft)
    assert client.get("/ung-ho/hoc-bong-thu").status_code == 404
    assert client.get("/ung-ho/khong-co").status_code == 404


def test_honeypot_stores_nothing(client, make_campaign):
    make_campaign(unit="province")
    response = client.post("/ung-ho/hoc-bong-thu", data={**FORM, "website": "http://spam.example"})
    assert response.status_code == 400
    assert pledge_count() == 0


def test_referral_code_kept_on_pledge(client, make_campaign):
    make_campaign(unit="province")
    client.post("/ung-ho/hoc-bong-thu?ref=huyen-a", data=FORM)  # a unit's own code
    assert db.session.execute(select(Pledge.ref_code)).scalar_one() == "huyen-a"


def test_unknown_referral_code_is_ignored_never_an_error(client, make_campaign):
    make_campaign(unit="province")
    response = client.post("/ung-ho/hoc-bong-thu?ref=KHONG-CO-MA-NAY", data=FORM)
    assert response.status_code == 303
    assert db.session.execute(select(Pledge.ref_code)).scalar_one() is None


def test_monthly_pledge_never_expires(client, make_campaign):
    make_campaign(unit="province")
    client.post("/ung-ho/hoc-bong-thu", data={**FORM, "monthly": "y"})
    pledge = db.session.execute(select(Pledge)).scalar_one()
    assert pledge.monthly and pledge.expires_at is None
    page = client.get(f"/ung-ho/p/{pledge.reference}").get_data(as_text=True)
    assert "định kỳ" in page


def test_qr_png_and_svg_carry_the_exact_payload(client, make_bank_pledge, make_campaign):
    campaign = make_campaign(unit="province")
    pledge = make_bank_pledge(campaign, amount=350_000)
    payload = services.qr_payload(pledge)
    parsed = parse_payload(payload)
    assert (parsed.bin, parsed.account, parsed.amount) == ("970415", "0011001932418", 350_000)
    assert parsed.memo.startswith(pledge.reference) and len(parsed.memo) <= 19
    png = client.get(f"/ung-ho/p/{pledge.reference}/qr.png")
    assert png.status_code == 200 and png.data[:8] == b"\x89PNG\r\n\x1a\n"
    svg = client.get(f"/ung-ho/p/{pledge.reference}/qr.svg")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    download = client.get(f"/ung-ho/p/{pledge.reference}/qr.png?download=1")
    assert "attachment" in download.headers["Content-Disposition"]
    assert client.get(f"/ung-ho/p/{pledge.reference}/qr.gif").status_code == 404


def test_status_endpoint_and_typed_reference(client, make_bank_pledge, make_campaign):
    campaign = make_campaign(unit="province")
    pledge = make_bank_pledge(campaign)
    body = client.get(f"/ung-ho/p/{pledge.reference}/trang-thai").json
    assert (
        body["status"] == "pending" and body["received"] == 0 and body["campaign"] == "hoc-bong-thu"
    )
    # A donor typing the code in lower case with a look-alike O is sent to the right page.
    typed = pledge.reference.lower().replace("0", "o")
    response = client.get(f"/ung-ho/p/{typed}")
    assert response.status_code in (200, 301)
    assert client.get("/ung-ho/p/TS0000000A").status_code == 404


def test_expired_pledge_reads_expired(ctx, make_bank_pledge, make_campaign):
    from datetime import timedelta

    from app.dbtypes import utcnow

    campaign = make_campaign(unit="province")
    pledge = make_bank_pledge(campaign)
    pledge.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert services.effective_status(pledge) == PledgeStatus.expired
    assert services.expire_pledges() == 1
    db.session.commit()
    assert db.session.get(Pledge, pledge.id).status == PledgeStatus.expired


def test_rate_limit_on_pledges(make_campaign, make_limited_app):
    make_campaign(unit="province")
    client = make_limited_app(PLEDGE_RATE_LIMIT="3 per minute").test_client()
    codes = [client.post("/ung-ho/hoc-bong-thu", data=FORM).status_code for _ in range(5)]
    assert codes[:3] == [303, 303, 303]
    assert codes[3:] == [429, 429]
    assert pledge_count() == 3


def test_form_is_accessible_and_mobile_first(client, make_campaign):
    make_campaign(unit="province")
    html = client.get("/ung-ho/hoc-bong-thu").get_data(as_text=True)
    for field_id in ("amount_other", "donor_name", "email", "phone", "tax_code"):
        assert re.search(rf'<label for="{field_id}"', html), field_id
    assert 'name="viewport"' in html
    assert 'class="hp" aria-hidden="true"' in html
