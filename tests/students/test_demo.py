"""`flask demo seed` adds invented students with their follow-up, and is idempotent."""

from __future__ import annotations

from sqlalchemy import func, select

from app.demo import seed_all
from app.extensions import db
from app.ledger import service as ledger
from app.ledger.verify import verify_database
from students.care.models import Consent, Outcome, Visit
from students.demo import ROUND_ID
from students.registry.models import Student
from students.rounds.models import AllocationRound, RoundStatus


def _counts() -> tuple:
    return tuple(
        db.session.execute(select(func.count()).select_from(m)).scalar_one()
        for m in (Student, Visit, Consent, Outcome, AllocationRound)
    ) + (ledger.entry_count(),)


def test_demo_seed_is_complete_and_idempotent(app):
    seed_all(lambda _msg: None)
    db.session.commit()
    first = _counts()
    students, visits, consents, outcomes, rounds, _entries = first
    assert (
        55 <= students <= 65
        and visits >= students
        and consents >= 30
        and outcomes >= 5
        and rounds == 1
    )
    units = db.session.execute(select(func.count(func.distinct(Student.unit_id)))).scalar_one()
    assert units >= 4
    rnd = db.session.execute(
        select(AllocationRound).where(AllocationRound.public_id == ROUND_ID)
    ).scalar_one()
    assert rnd.status == RoundStatus.completed and rnd.proposed_by_id != rnd.decided_by_id
    assert rnd.lines and all(line.handover_seq for line in rnd.lines)
    assert ledger.balance("campaign:quy-chung", "VND") >= 0
    seed_all(lambda _msg: None)
    db.session.commit()
    assert _counts() == first
    assert verify_database().ok
