"""Sponsorship: the monthly pledge, term updates that respect consent, the sponsor's page."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.errors import DomainError
from app.extensions import db
from app.mail_models import OutboxMail
from campaigns.models import Campaign, CampaignKind, CampaignStatus
from students.care.services import record_consent
from students.sponsorship.services import create_sponsorship, sponsor_page, write_update


@pytest.fixture
def fund(units) -> Campaign:
    c = Campaign(
        slug="quy-chung",
        title="Quỹ chung",
        kind=CampaignKind.general,
        status=CampaignStatus.published,
        unit_id=units["province"].id,
        starts_on=date(2026, 9, 1),
    )
    db.session.add(c)
    db.session.commit()
    return c


def test_sponsorship_creates_a_monthly_pledge_and_updates_respect_consent(
    make_student, make_user, fund, app
):
    student = make_student(
        full_name="Lò Thị Mai", guardian_name="Lò Văn Giám", guardian_phone="0912345678"
    )
    manager = make_user("manager", "a")
    with pytest.raises(DomainError):
        create_sponsorship(
            manager,
            student,
            campaign=fund,
            donor_name="Cô Lan",
            donor_email="khong-hop-le",
            monthly_amount=300_000,
            method="bank",
        )
    sp = create_sponsorship(
        manager,
        student,
        campaign=fund,
        donor_name="Cô Lan",
        donor_email="Lan@Example.com",
        monthly_amount=300_000,
        method="bank",
    )
    assert sp.pledge.monthly and sp.pledge.amount == 300_000 and sp.pledge.campaign_id == fund.id
    assert sp.donor_email == "lan@example.com"
    # The sponsor is told how to give each month and where the updates will appear.
    welcome = db.session.execute(
        select(OutboxMail).where(OutboxMail.to == "lan@example.com")
    ).scalar_one()
    assert f"/ung-ho/p/{sp.pledge.reference}" in welcome.text
    assert f"/do-dau/{sp.token}" in welcome.text
    assert "Lò Thị Mai" not in welcome.text + welcome.subject
    for body, words in [
        ("Em Lò Thị Mai học tốt.", "họ tên đầy đủ"),
        ("Bố em là Lò Văn Giám.", "người giám hộ"),
        ("Gọi 0912 345 678 nhé.", "điện thoại"),
        ("Mai học rất chăm.", "tên gọi"),
    ]:
        with pytest.raises(DomainError) as err:
            write_update(manager, student, term="2026-2027 HK1", body=body)
        assert words in err.value.message
    record_consent(
        manager,
        student,
        guardian_name="Lò Văn Giám",
        given_on=date(2026, 9, 1),
        scope="named",
        child_agreed=True,
    )
    write_update(manager, student, term="2026-2027 HK1", body="Mai học rất chăm, được khen.")
    db.session.commit()
    page = sponsor_page(sp.token)
    assert page["student"]["first_name"] == "Mai" and len(page["updates"]) == 1
    # Consent narrowed: the update naming her is no longer shown.
    record_consent(
        manager,
        student,
        guardian_name="Lò Văn Giám",
        given_on=date.today(),
        scope="basic",
        child_agreed=True,
    )
    assert sponsor_page(sp.token)["updates"] == []
    # The sponsor was written to twice, the welcome and the update, and never with what
    # identifies the family.
    mails = (
        db.session.execute(
            select(OutboxMail).where(OutboxMail.to == "lan@example.com").order_by(OutboxMail.id)
        )
        .scalars()
        .all()
    )
    assert [m.id for m in mails] == [welcome.id, mails[-1].id] and len(mails) == 2
    assert "Mai học rất chăm, được khen." in mails[1].text
    for mail in mails:
        for secret in ("Lò Thị Mai", "Lò Văn Giám", "0912345678", "0912 345 678"):
            assert secret not in mail.subject + mail.text, (secret, mail.subject)


def test_sponsor_page_shows_only_consented_facts(client, make_student, make_user, fund):
    student = make_student(full_name="Sùng Thị Dợ")
    sp = create_sponsorship(
        make_user("admin"),
        student,
        campaign=fund,
        donor_name="Anh Nam",
        donor_email="nam@example.com",
        monthly_amount=200_000,
        method="bank",
    )
    db.session.commit()
    text = client.get(f"/do-dau/{sp.token}").get_data(as_text=True)
    assert (
        student.public_id in text
        and "Sùng" not in text
        and "Dợ" not in text
        and "Thái" not in text.split("<main")[1].split("lớp")[0]
    )
    # The way to give each month is one click away.
    assert f"/ung-ho/p/{sp.pledge.reference}" in text
    assert client.get(f"/ung-ho/p/{sp.pledge.reference}").status_code == 200
    assert client.get("/do-dau/khong-ton-tai").status_code == 404
