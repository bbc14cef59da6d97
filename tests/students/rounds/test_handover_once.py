"""Hand-over exactly once: the posting key comes from the line alone, a double submit or two
treasurers at once pay each line once and the second is told so; a hand-over already signed for
is never reversed, one that was not reopens its line for the right hand-over."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.approvals import services as approvals
from app.errors import DomainError
from app.extensions import db
from app.ledger import service as ledger
from app.ledger.models import LedgerEntry
from donations.corrections import services as corrections
from donations.in_kind import stock
from students.rounds import handovers
from students.rounds import services as svc
from students.rounds.models import AllocationLine, AllocationRound, Handover, RoundStatus
from tests.conftest import login
from tests.race import pause_first_call, postgres_only, race

ALREADY = "đã được ghi nhận trao rồi"
REASON = "Ghi nhầm: em chưa nhận, buổi trao bị hoãn."


@pytest.fixture
def approved(people, campaign, units, make_student):
    """An approved round: two students with money, one with 10 kg of rice. Plain values."""
    a, b = make_student(), make_student(full_name="Giàng A Thử")
    rnd = svc.create_round(
        people["manager"], campaign_id=campaign.id, title="Đợt một lần", unit_id=units["a"].id
    )
    for student, asset, amount in ((a, "VND", 300_000), (b, "VND", 200_000), (b, "RICE_G", 10_000)):
        svc.add_line(
            people["manager"], rnd, student_public_id=student.public_id, asset=asset, amount=amount
        )
    svc.propose(people["manager"], rnd)
    svc.approve(people["treasurer"], rnd)
    db.session.commit()
    return {
        "public_id": rnd.public_id,
        "lines": [line.id for line in rnd.lines],
        "students": [a.account, b.account],
    }


def _round(public_id: str) -> AllocationRound:
    db.session.expire_all()
    return db.session.execute(
        select(AllocationRound).where(AllocationRound.public_id == public_id)
    ).scalar_one()


def _count(kind: str) -> int:
    return db.session.execute(
        select(func.count()).select_from(LedgerEntry).where(LedgerEntry.kind == kind)
    ).scalar_one()


def _form(lines: list[int], **extra) -> dict:
    return {
        "handed_on": date.today().isoformat(),
        "place": "Nhà văn hoá xã",
        "method": "cash",
        "handed_by": "Bí thư xã",
        "lines": [str(i) for i in lines],
        **extra,
    }


def _post(client, public_id: str, lines: list[int], **extra):
    return client.post(
        f"/quan-tri/dot-trao/{public_id}/trao",
        data=_form(lines, **extra),
        content_type="multipart/form-data",
    )


def _hand_over(people, public_id: str, lines: list[int], signers: str = "") -> Handover:
    handover = handovers.record_handover(
        people["treasurer"],
        _round(public_id),
        line_ids=lines,
        handed_on=date.today(),
        place="Xã",
        method="cash",
        handed_by="Bí thư",
        signers=signers,
    )
    db.session.commit()
    return handover


def test_the_posting_key_comes_from_the_line_alone(approved, people):
    _hand_over(people, approved["public_id"], approved["lines"][:1])
    entry = db.session.execute(
        select(LedgerEntry).where(LedgerEntry.kind == "disbursement")
    ).scalar_one()
    assert entry.idempotency_key == f"handover:line:{approved['lines'][0]}"


def test_a_double_submit_pays_each_line_once_and_says_so(app, approved, people):
    client = app.test_client()
    login(client, people["treasurer"])
    first = _post(client, approved["public_id"], approved["lines"][:2])
    second = _post(client, approved["public_id"], approved["lines"][:2])
    assert first.status_code == 302
    assert second.status_code == 422
    html = second.get_data(as_text=True)
    assert ALREADY in html and "Không có gì được ghi thêm" in html
    assert _count("disbursement") == 2
    db.session.expire_all()
    assert db.session.execute(select(func.count()).select_from(Handover)).scalar_one() == 1
    assert ledger.balance(approved["students"][0]) == 0
    # The line left open can still be handed over; the round then completes.
    third = _post(client, approved["public_id"], approved["lines"][2:])
    assert (
        third.status_code == 302 and _round(approved["public_id"]).status == RoundStatus.completed
    )


def test_goods_handed_over_leave_the_store(approved, people, units):
    _hand_over(people, approved["public_id"], approved["lines"][2:])
    db.session.expire_all()
    assert stock.level(units["province"].id, "RICE_G") == 20_000  # 30 kg less the 10 handed over


def test_goods_no_store_holds_refuse_the_whole_hand_over(approved, people, units):
    stock.move(units["province"].id, "RICE_G", -25_000, kind="adjustment", key="test:hong")
    db.session.commit()
    with pytest.raises(DomainError, match="Kho của Huyện Đoàn A không đủ"):
        _hand_over(people, approved["public_id"], approved["lines"])
    db.session.rollback()
    assert _count("disbursement") == 0


@postgres_only
def test_two_treasurers_hand_over_overlapping_lines_at_once(
    app, approved, people, make_user, monkeypatch
):
    clients = []
    for user in (people["treasurer"], make_user("treasurer")):
        client = app.test_client()
        assert login(client, user).status_code == 302
        clients.append(client)
    entered = pause_first_call(monkeypatch, handovers, "record")
    lines = approved["lines"]
    first, second = race(
        lambda: _post(clients[0], approved["public_id"], lines[:2]),
        lambda: _post(clients[1], approved["public_id"], lines[1:]),
        entered,
    )
    assert first.status_code == 302 and second.status_code == 422
    assert ALREADY in second.get_data(as_text=True)
    assert _count("disbursement") == 2
    db.session.expire_all()
    assert ledger.balance(approved["students"][1], "RICE_G") == 10_000  # not handed over


def test_a_hand_over_signed_for_is_never_reversed(approved, people, make_user):
    _hand_over(people, approved["public_id"], approved["lines"][:1], signers="Mẹ em ký nhận")
    line = db.session.get(AllocationLine, approved["lines"][0])
    before = db.session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one()
    with pytest.raises(DomainError, match="đã có chữ ký nhận"):
        corrections.propose_reversal(make_user("treasurer"), line.handover_seq, REASON)
    db.session.rollback()
    with pytest.raises(DomainError, match="suất này đã được trao"):
        corrections.propose_reversal(make_user("treasurer"), line.allocation_seq, REASON)
    db.session.rollback()
    assert db.session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one() == before


def test_a_hand_over_signed_for_after_the_proposal_is_refused_at_approval(approved, people):
    handover = _hand_over(people, approved["public_id"], approved["lines"][:1])
    line = db.session.get(AllocationLine, approved["lines"][0])
    proposal = corrections.propose_reversal(people["admin"], line.handover_seq, REASON).proposal
    handover.signers = "Mẹ em ký nhận"  # the signed list came back after the proposal
    db.session.commit()
    with pytest.raises(DomainError, match="đã có chữ ký nhận"):
        approvals.approve(people["treasurer"], proposal.public_id)
    db.session.rollback()
    assert _count("reversal") == 0


def test_an_unsigned_hand_over_reversed_reopens_its_line_and_round(approved, people, units):
    public_id = approved["public_id"]
    _hand_over(people, public_id, approved["lines"])
    assert _round(public_id).status == RoundStatus.completed
    rice_line = db.session.get(AllocationLine, approved["lines"][2])
    proposal = corrections.propose_reversal(
        people["admin"], rice_line.handover_seq, REASON
    ).proposal
    approvals.approve(people["treasurer"], proposal.public_id)
    db.session.commit()
    rnd = _round(public_id)
    rice_line = db.session.get(AllocationLine, approved["lines"][2])
    assert rnd.status == RoundStatus.approved
    assert rice_line.handover_id is None and rice_line.handover_attempt == 1
    assert ledger.balance(approved["students"][1], "RICE_G") == 10_000
    assert stock.level(units["province"].id, "RICE_G") == 30_000  # the rice is back in store
    # Handed over again, for real this time: a key of its own, the round completes.
    _hand_over(people, public_id, [rice_line.id], signers="Bố em ký nhận")
    entry = db.session.get(LedgerEntry, db.session.get(AllocationLine, rice_line.id).handover_seq)
    assert entry.idempotency_key == f"handover:line:{rice_line.id}:1"
    assert _round(public_id).status == RoundStatus.completed
