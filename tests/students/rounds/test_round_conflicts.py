"""Two treasurers deciding or handing over the same round at once: one acts, the other is told."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.extensions import db
from app.ledger import service as ledger
from app.ledger.models import LedgerEntry
from students.rounds import handovers
from students.rounds import services as svc
from students.rounds.models import AllocationRound, RoundStatus
from tests.conftest import login
from tests.race import pause_first_call, postgres_only, race

ALREADY_DECIDED = "Chỉ duyệt hoặc trả lại được đợt trao đang chờ duyệt."
APPROVED = "Đã duyệt đợt trao và ghi vào sổ cái."


@pytest.fixture
def proposed(people, campaign, units, make_student):
    """A proposed round of 400.000 ₫ for one student; plain values for other threads."""
    student = make_student()
    rnd = svc.create_round(
        people["manager"], campaign_id=campaign.id, title="Đợt thử", unit_id=units["a"].id
    )
    svc.add_line(
        people["manager"], rnd, student_public_id=student.public_id, asset="VND", amount=400_000
    )
    svc.propose(people["manager"], rnd)
    db.session.commit()
    return {"public_id": rnd.public_id, "student": student.account, "line": rnd.lines[0].id}


@pytest.fixture
def treasurers(app, people, make_user):
    """Two treasurers, each logged in on a client of their own."""
    clients = []
    for user in (people["treasurer"], make_user("treasurer")):
        client = app.test_client()
        assert login(client, user).status_code == 302
        clients.append(client)
    return clients


def _decide(client, public_id: str, action: str, note: str = ""):
    url = f"/quan-tri/dot-trao/{public_id}/{action}"
    return client.post(url, data={"note": note}, follow_redirects=True)


def _handover(client, public_id: str, line_id: int):
    return client.post(
        f"/quan-tri/dot-trao/{public_id}/trao",
        data={
            "handed_on": date.today().isoformat(),
            "place": "Nhà văn hoá xã",
            "method": "cash",
            "handed_by": "Bí thư xã",
            "lines": [str(line_id)],
        },
        content_type="multipart/form-data",
    )


def _count(model, **where) -> int:
    stmt = select(func.count()).select_from(model).filter_by(**where)
    return db.session.execute(stmt).scalar_one()


def _round(public_id: str) -> AllocationRound:
    db.session.expire_all()
    return db.session.execute(
        select(AllocationRound).where(AllocationRound.public_id == public_id)
    ).scalar_one()


def test_approving_a_round_twice_tells_the_second_treasurer(proposed, treasurers):
    first = _decide(treasurers[0], proposed["public_id"], "duyet")
    second = _decide(treasurers[1], proposed["public_id"], "duyet")
    assert first.status_code == second.status_code == 200
    assert APPROVED in first.get_data(as_text=True)
    assert ALREADY_DECIDED in second.get_data(as_text=True)
    assert _count(LedgerEntry, kind="allocation") == 1
    assert _count(AuditEntry, action="round.approve") == 1


def test_a_hand_over_whose_money_is_gone_says_so_and_posts_nothing(proposed, people, treasurers):
    svc.approve(people["treasurer"], _round(proposed["public_id"]))
    db.session.commit()
    # What a colleague's hand-over of the same line leaves behind when it was not seen in time.
    ledger.post(
        source=proposed["student"],
        destination=ledger.WORLD,
        asset="VND",
        amount=400_000,
        kind="disbursement",
        ref=proposed["public_id"],
        idempotency_key="test:trao-truoc",
    )
    db.session.commit()
    response = _handover(treasurers[1], proposed["public_id"], proposed["line"])
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "không đủ số dư: còn 0 ₫, cần 400.000 ₫" in html
    assert "không có gì được ghi sổ" in html
    assert _count(LedgerEntry, kind="disbursement") == 1
    assert _round(proposed["public_id"]).status == RoundStatus.approved


@postgres_only
def test_two_treasurers_approve_at_the_same_moment(proposed, treasurers, monkeypatch):
    entered = pause_first_call(monkeypatch, svc, "record")
    first, second = race(
        lambda: _decide(treasurers[0], proposed["public_id"], "duyet"),
        lambda: _decide(treasurers[1], proposed["public_id"], "duyet"),
        entered,
    )
    assert first.status_code == second.status_code == 200
    assert APPROVED in first.get_data(as_text=True)
    assert ALREADY_DECIDED in second.get_data(as_text=True)
    assert _count(LedgerEntry, kind="allocation") == 1
    assert _count(AuditEntry, action="round.approve") == 1


@postgres_only
def test_a_send_back_while_approving_is_refused(proposed, treasurers, monkeypatch):
    entered = pause_first_call(monkeypatch, svc, "record")
    first, second = race(
        lambda: _decide(treasurers[0], proposed["public_id"], "duyet"),
        lambda: _decide(treasurers[1], proposed["public_id"], "tra-lai", "Thiếu hồ sơ"),
        entered,
    )
    assert APPROVED in first.get_data(as_text=True)
    assert ALREADY_DECIDED in second.get_data(as_text=True)
    assert _round(proposed["public_id"]).status == RoundStatus.approved
    assert ledger.balance(proposed["student"]) == 400_000


@postgres_only
def test_two_treasurers_hand_over_the_same_line_at_once(proposed, people, treasurers, monkeypatch):
    svc.approve(people["treasurer"], _round(proposed["public_id"]))
    db.session.commit()
    entered = pause_first_call(monkeypatch, handovers, "record")
    first, second = race(
        lambda: _handover(treasurers[0], proposed["public_id"], proposed["line"]),
        lambda: _handover(treasurers[1], proposed["public_id"], proposed["line"]),
        entered,
    )
    assert first.status_code == 302
    assert second.status_code == 422
    assert "đã được ghi nhận trao rồi" in second.get_data(as_text=True)
    assert _count(LedgerEntry, kind="disbursement") == 1
    assert ledger.balance(proposed["student"]) == 0
    assert _round(proposed["public_id"]).status == RoundStatus.completed
