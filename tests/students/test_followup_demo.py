"""`flask demo seed` adds pairs (and the follow-up of issue 14) per district, idempotently."""

from __future__ import annotations

from sqlalchemy import func, select

from app.demo import seed_all
from app.extensions import db
from app.units.models import Unit, UnitKind
from students.activities.models import Activity
from students.entitlements.models import Entitlement, EntitlementKind
from students.peer.models import PeerPair, PeerResult
from students.surveys.models import Survey, SurveyStatus


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
    districts = {_district_of(p.unit) for p in db.session.execute(select(PeerPair)).scalars()}
    assert {"h-ban-may", "h-suoi-hoa", "tp-son-ha"} <= districts
    received = db.session.execute(
        select(Entitlement.unit_id).where(Entitlement.received.is_(True))
    ).scalars()
    assert {"h-ban-may", "h-suoi-hoa", "tp-son-ha"} <= {
        _district_of(db.session.get(Unit, u)) for u in received
    }
    assert {"h-ban-may", "h-suoi-hoa", "tp-son-ha"} <= {
        _district_of(a.unit) for a in db.session.execute(select(Activity)).scalars()
    }
    submitted = db.session.execute(
        select(Survey).where(Survey.status == SurveyStatus.submitted)
    ).scalars()
    assert {"h-ban-may", "h-suoi-hoa", "tp-son-ha"} <= {_district_of(s.unit) for s in submitted}
    for pair in db.session.execute(select(PeerPair)).scalars():
        assert all(len(h["name"].split()) <= 2 for h in pair.helpers)
    seed_all(lambda _msg: None)
    db.session.commit()
    assert _counts() == first
