"""`flask demo seed` adds pairs (and the follow-up of issue 14) per district, idempotently."""

from __future__ import annotations

from sqlalchemy import func, select

from app.demo import seed_all
from app.extensions import db
from app.units.models import Unit, UnitKind
from campaigns.models import Campaign, CampaignKind
from donations.models import Donation
from students.activities.models import Activity, ActivityKind
from students.entitlements.models import Entitlement, EntitlementKind
from students.peer.models import PeerPair, PeerResult
from students.surveys.models import Survey, SurveyStatus
from transparency.commendation.models import CommendationList


def _district_of(unit: Unit) -> str:
    while unit.kind != UnitKind.district and unit.parent is not None:
        unit = unit.parent
    return unit.code


def _counts() -> tuple:
    return tuple(
        db.session.execute(select(func.count()).select_from(m)).scalar_one()
        for m in (PeerPair, PeerResult, EntitlementKind, Entitlement, Activity, Survey)
    )


def test_demo_follow_up_covers_every_district_and_is_idempotent(app):
    seed_all(lambda _msg: None)
    db.session.commit()
    first = _counts()
    pairs, results, kinds, entitlements, activities, _surveys = first
    assert pairs >= 15 and results >= 5 and kinds >= 6 and entitlements >= 15 and activities >= 6
    every = set(
        db.session.execute(select(Unit.code).where(Unit.kind == UnitKind.district)).scalars()
    )
    assert every == {"h-ban-may", "h-suoi-hoa", "tp-son-ha"}
    districts = {_district_of(p.unit) for p in db.session.execute(select(PeerPair)).scalars()}
    assert every <= districts
    received = db.session.execute(
        select(Entitlement.unit_id).where(Entitlement.received.is_(True))
    ).scalars()
    assert every <= {_district_of(db.session.get(Unit, u)) for u in received}
    assert every <= {_district_of(a.unit) for a in db.session.execute(select(Activity)).scalars()}
    submitted = db.session.execute(
        select(Survey).where(Survey.status == SurveyStatus.submitted)
    ).scalars()
    assert every <= {_district_of(s.unit) for s in submitted if s.lines}
    for pair in db.session.execute(select(PeerPair)).scalars():
        assert all(len(h["name"].split()) <= 2 for h in pair.helpers)
    seed_all(lambda _msg: None)
    db.session.commit()
    assert _counts() == first


def test_demo_has_a_commendation_list_ready_to_print(app):
    seed_all(lambda _msg: None)
    seed_all(lambda _msg: None)
    db.session.commit()
    (item,) = db.session.execute(select(CommendationList)).scalars().all()
    units = [e for e in item.entries if e.kind == "unit"]
    assert len(units) >= 2 and units[0].citation and units[0].figures
    assert any(e.kind == "person" for e in item.entries)


def test_demo_art_programme_raises_funds_as_its_own_campaign(app):
    seed_all(lambda _msg: None)
    db.session.commit()
    campaign = db.session.execute(
        select(Campaign).where(Campaign.slug == "dem-nhac-thap-sang-uoc-mo-2026")
    ).scalar_one()
    assert campaign.kind == CampaignKind.event and campaign.accepts_gifts
    gifts = list(
        db.session.execute(select(Donation).where(Donation.campaign_id == campaign.id)).scalars()
    )
    # Ticket-less: gifts of any amount, none through a ticket or a pledge.
    assert len(gifts) >= 5 and all(g.pledge_id is None for g in gifts)
    assert sum(g.amount for g in gifts) == 6_700_000
    activity = db.session.execute(
        select(Activity).where(Activity.kind == ActivityKind.art_programme)
    ).scalar_one()
    assert activity.campaign_id == campaign.id
    page = app.test_client().get(f"/chien-dich/{campaign.slug}")
    assert page.status_code == 200 and "Đêm nhạc Thắp sáng ước mơ 2026" in page.text
    assert "6.700.000" in page.text and "Hoạt động gây quỹ" in page.text
    assert activity.title in page.text and "/hoat-dong/anh/" in page.text
    seed_all(lambda _msg: None)
    db.session.commit()
    again = db.session.execute(select(Donation).where(Donation.campaign_id == campaign.id))
    assert len(again.all()) == len(gifts)
