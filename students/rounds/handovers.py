"""Hand-overs ("trao"): each line of an approved round handed over exactly once, with evidence.

The ledger key of a line's hand-over comes from the line alone, so the same line posted twice
(a double submit, two treasurers at once) can only ever be one entry. The round and its lines
are locked after the ledger's chain lock and read again as committed, so the second of two
requests sees what the first did and is told so, with nothing posted. A correction may reverse
a hand-over that nobody has signed for yet; the line is then open again (hooks below).
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import private_files
from app.audit.service import record
from app.auth.guards import require_role, require_unit
from app.auth.models import User
from app.errors import Conflict, DomainError
from app.extensions import db
from app.ledger import service as ledger
from app.ledger.models import LedgerEntry
from app.locking import lock_rows
from donations.in_kind import stock
from donations.in_kind.models import StockMovement
from students.rounds.models import (
    ROUND_TRANSITIONS,
    AllocationLine,
    AllocationRound,
    Evidence,
    Handover,
    HandoverMethod,
    RoundStatus,
)

MAX_PHOTOS = 10
# Who records a hand-over: the approvers, and a manager for its own unit's rounds (DESIGN §7).
HANDOVER_ROLES = ("admin", "treasurer", "manager")
EVIDENCE_FOLDER = "handovers"
SIGNED_LIST = "signed_list"


def handover_key(line: AllocationLine) -> str:
    """The ledger key of a line's hand-over: the line, and how often a correction reopened it."""
    base = f"handover:line:{line.id}"
    return f"{base}:{line.handover_attempt}" if line.handover_attempt else base


def _lock(rnd: AllocationRound) -> None:
    """Wait for whoever else posts now, then hold the round and its lines as committed."""
    ledger.lock()
    lock_rows(select(AllocationRound).where(AllocationRound.id == rnd.id)).one()
    lock_rows(select(AllocationLine).where(AllocationLine.round_id == rnd.id)).all()
    db.session.execute(
        select(AllocationRound)
        .where(AllocationRound.id == rnd.id)
        .options(selectinload(AllocationRound.lines))
        .execution_options(populate_existing=True)
    ).scalar_one()


def _already(lines: list[AllocationLine]) -> Conflict:
    return Conflict(
        _l(
            "Suất của %(students)s đã được ghi nhận trao rồi (có thể một người khác vừa ghi). "
            "Không có gì được ghi thêm; hãy tải lại trang để xem tình trạng mới nhất.",
            students=", ".join(line.student.public_id for line in lines),
        ),
        field="lines",
    )


def _withdrawn(lines: list[AllocationLine]) -> set[int]:
    """Ids of lines whose allocation a correction reversed: there is nothing to hand over."""
    seqs = {line.allocation_seq: line.id for line in lines if line.allocation_seq}
    if not seqs:
        return set()
    reversed_seqs = db.session.execute(
        select(LedgerEntry.reverses_seq).where(LedgerEntry.reverses_seq.in_(list(seqs)))
    ).scalars()
    return {seqs[seq] for seq in reversed_seqs}


def _check_details(handed_on: date, place: str, method: str, handed_by: str, photos) -> None:
    if handed_on > date.today():
        raise DomainError(_l("Ngày trao không thể ở tương lai."), field="handed_on")
    if not place.strip():
        raise DomainError(_l("Vui lòng ghi địa điểm trao."), field="place")
    if not handed_by.strip():
        raise DomainError(_l("Vui lòng ghi người trao."), field="handed_by")
    if method not in HandoverMethod.__members__:
        raise DomainError(_l("Hình thức trao không hợp lệ."), field="method")
    if len(photos or []) > MAX_PHOTOS:
        raise DomainError(_l("Tối đa %(n)s ảnh cho một lần trao.", n=MAX_PHOTOS), field="photos")


def record_handover(
    actor: User,
    rnd: AllocationRound,
    *,
    line_ids: list[int],
    handed_on: date,
    place: str,
    method: str,
    handed_by: str,
    signers: str = "",
    note: str = "",
    photos: list[bytes] | None = None,
    signed_list: tuple[bytes, str] | None = None,
) -> Handover:
    """Post `student → world` once for each line handed over, with the evidence files.

    Goods lines take the goods out of the round's unit's store (or the nearest one above it).
    Every file is checked before anything is recorded; the files are written only after the
    commit (`private_files`), so a refused or failed hand-over leaves nothing on disk.
    """
    # DESIGN §7: a manager records the hand-over of its own unit's approved rounds.
    require_role(actor, HANDOVER_ROLES)
    require_unit(actor, rnd.unit_id)
    _lock(rnd)
    wanted = list(dict.fromkeys(line_ids))
    by_id = {line.id: line for line in rnd.lines}
    done = [by_id[i] for i in wanted if i in by_id and by_id[i].handover_id is not None]
    if done:
        raise _already(done)
    # Every hand-over, the last or not, is a step of the move approved → completed.
    ROUND_TRANSITIONS.check(
        rnd.status,
        RoundStatus.completed,
        _l("Chỉ ghi nhận trao được cho đợt trao đã duyệt và chưa trao xong."),
    )
    _check_details(handed_on, place, method, handed_by, photos)
    withdrawn = _withdrawn(rnd.lines)
    chosen = [by_id[i] for i in wanted if i in by_id and i not in withdrawn]
    if not chosen or len(chosen) != len(wanted):
        raise DomainError(_l("Chọn ít nhất một học sinh chưa nhận trong đợt này."), field="lines")
    # Files first: a bad file refuses the whole hand-over before anything is posted.
    files = [
        ("photo", private_files.image(data, EVIDENCE_FOLDER, field="photos"))
        for data in photos or []
    ]
    if signed_list is not None:
        data, filename = signed_list
        files.append(
            (SIGNED_LIST, private_files.scan(data, filename, EVIDENCE_FOLDER, field="signed_list"))
        )
    handover = Handover(
        round_id=rnd.id,
        handed_on=handed_on,
        place=place.strip()[:200],
        method=HandoverMethod(method),
        handed_by=handed_by.strip()[:200],
        signers=signers.strip()[:300],
        note=note.strip()[:500],
        recorded_by_id=actor.id,
    )
    db.session.add(handover)
    db.session.flush()
    db.session.add_all(
        Evidence(
            handover_id=handover.id,
            kind=kind,
            path=pending.relative,
            content_type=pending.content_type,
        )
        for kind, pending in files
    )
    for line in chosen:
        _post_line(rnd, line, handover)
    if all(ln.handover_id is not None or ln.id in withdrawn for ln in rnd.lines):
        ROUND_TRANSITIONS.move(rnd, RoundStatus.completed)
    db.session.flush()
    record(
        actor,
        "round.handover",
        rnd,
        _l(
            "Trao %(n)s suất của đợt %(round)s ngày %(day)s",
            n=len(chosen),
            round=rnd.public_id,
            day=handed_on.isoformat(),
        ),
        {"lines": [line.id for line in chosen]},
        target_id=rnd.public_id,
    )
    private_files.save_after_commit(pending for _kind, pending in files)
    return handover


def _post_line(rnd: AllocationRound, line: AllocationLine, handover: Handover) -> None:
    key = handover_key(line)
    posting = ledger.post(
        source=line.student.account,
        destination=ledger.WORLD,
        asset=line.asset,
        amount=line.amount,
        kind="disbursement",
        ref=rnd.public_id,
        idempotency_key=key,
        label=line.student.public_id,
    )
    if not posting.created:  # posted by a request whose line state we did not see
        raise _already([line])
    line.handover_id = handover.id
    line.handover_seq = posting.entry.seq
    if line.asset != "VND":
        stock.draw(
            rnd.unit_id,
            line.asset,
            line.amount,
            key=key,
            ref=rnd.public_id,
            ledger_seq=posting.entry.seq,
            note=line.student.public_id,
        )


# --- corrections of allocations and hand-overs ------------------------------------------------


def signed_for(handover: Handover) -> bool:
    """Someone signed for the hand-over: named signers, or a signed list in the evidence."""
    return bool(handover.signers.strip()) or any(e.kind == SIGNED_LIST for e in handover.evidence)


def _line(column, seq: int) -> AllocationLine | None:
    return db.session.execute(select(AllocationLine).where(column == seq)).scalar_one_or_none()


def check_reversal(entry: LedgerEntry) -> None:
    """Refuse to reverse a hand-over signed for, or the allocation of a line handed over."""
    if entry.kind == "disbursement":
        line = _line(AllocationLine.handover_seq, entry.seq)
        if line is not None and line.handover is not None and signed_for(line.handover):
            raise Conflict(
                _l(
                    "Không thể đảo bút toán #%(seq)s: lần trao ngày %(day)s của đợt %(round)s đã "
                    "có chữ ký nhận. Tiền hoặc hàng đã đến tay gia đình; không có gì được ghi.",
                    seq=entry.seq,
                    day=line.handover.handed_on.strftime("%d/%m/%Y"),
                    round=line.round.public_id,
                )
            )
    elif entry.kind == "allocation":
        line = _line(AllocationLine.allocation_seq, entry.seq)
        if line is not None and line.handover_id is not None:
            raise Conflict(
                _l(
                    "Không thể đảo phân bổ #%(seq)s: suất này đã được trao (đợt %(round)s). "
                    "Không có gì được ghi.",
                    seq=entry.seq,
                    round=line.round.public_id,
                )
            )


def apply_reversal(entry: LedgerEntry, reversal: LedgerEntry) -> None:
    """A reversed hand-over opens its line again (and its round); goods go back to the store."""
    if entry.kind != "disbursement":
        return
    line = _line(AllocationLine.handover_seq, entry.seq)
    if line is None:
        return
    taken = db.session.execute(
        select(StockMovement).where(StockMovement.key == handover_key(line))
    ).scalar_one_or_none()
    if taken is not None:
        stock.move(
            taken.unit_id,
            taken.asset,
            -taken.quantity,
            kind="correction",
            key=f"reversal:{reversal.seq}",
            ref=line.round.public_id,
            ledger_seq=reversal.seq,
            note=line.student.public_id,
        )
    line.handover_id = None
    line.handover_seq = None
    line.handover_attempt += 1
    if line.round.status == RoundStatus.completed:
        ROUND_TRANSITIONS.move(line.round, RoundStatus.approved)
    db.session.flush()
