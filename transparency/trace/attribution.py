"""The FIFO attribution (`fifo.py`) kept in tables, grown like the Merkle tree.

`catch_up(account, asset)` carries one account's attribution from its stored position to the
chain's head: the few entries posted since are applied to the stored lots and uses one by one
(the same rules as `fifo.Attribution`, on rows). With no stored position, with too many entries
to apply (a bulk import), or when the entry at the stored position is no longer the one it saw
(a restored or rebuilt database), the account is replayed in memory instead and its rows are
written again in bulk. A trace then reads a gift's uses by index, whatever the ledger's size.
Flushes, never commits; under a lock of the account's state row.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, insert, or_, select, update

from app.extensions import db
from app.ledger.models import LedgerEntry, LedgerHead
from app.locking import create_once, lock_rows
from transparency.trace.fifo import GIFT_KINDS, Attribution
from transparency.trace.models import TraceLot, TraceState, TraceUse

# Entries since the stored position above which replaying the account beats applying them.
APPLY_AT_MOST = 2000
_PAGE = 200
_MOVE_COLUMNS = (
    LedgerEntry.seq,
    LedgerEntry.source,
    LedgerEntry.destination,
    LedgerEntry.amount,
    LedgerEntry.kind,
    LedgerEntry.ref,
    LedgerEntry.reverses_seq,
)


def moves(account: str, asset: str, after: int = 0) -> list[tuple]:
    """The account's entries in one asset after `after`, in seq order (through its indexes)."""
    rows = db.session.execute(
        select(*_MOVE_COLUMNS)
        .where(
            LedgerEntry.seq > after,
            LedgerEntry.asset == asset,
            or_(LedgerEntry.source == account, LedgerEntry.destination == account),
        )
        .order_by(LedgerEntry.seq)
    )
    return list(rows.tuples())


def _moves_since(account: str, asset: str, after: int, upto: int) -> list[tuple] | None:
    """The account's entries in (after, upto], read by primary key; None when there are more
    entries in that range (of any account) than applying one by one is worth."""
    if upto - after > APPLY_AT_MOST:
        return None
    rows = db.session.execute(
        select(*_MOVE_COLUMNS, LedgerEntry.asset)
        .where(LedgerEntry.seq > after, LedgerEntry.seq <= upto)
        .order_by(LedgerEntry.seq)
    ).tuples()
    return [row[:7] for row in rows if row[7] == asset and account in (row[1], row[2])]


def _hash_at(seq: int) -> str:
    if not seq:
        return ""
    found = db.session.execute(select(LedgerEntry.hash).where(LedgerEntry.seq == seq)).scalar()
    return found or ""


def _state(account: str, asset: str) -> TraceState:
    """The account's state row, locked (created first if missing, whoever wins the race)."""
    create_once(TraceState, account=account, asset=asset, upto_seq=0, upto_hash="", open_from=0)
    return lock_rows(
        select(TraceState).where(TraceState.account == account, TraceState.asset == asset)
    ).one()


def catch_up(account: str, asset: str) -> None:
    """Bring the stored attribution of one account and asset up to the chain's head."""
    head = db.session.execute(
        select(LedgerHead.seq, LedgerHead.hash).where(LedgerHead.id == 1)
    ).first()
    upto, upto_hash = (head[0], head[1]) if head else (0, "")
    quick = db.session.execute(
        select(TraceState.upto_seq, TraceState.upto_hash).where(
            TraceState.account == account, TraceState.asset == asset
        )
    ).first()
    if quick is not None and tuple(quick) == (upto, upto_hash):
        return  # nothing posted since: no lock, no write
    state = _state(account, asset)
    if (state.upto_seq, state.upto_hash) == (upto, upto_hash):
        return
    fresh = state.upto_seq and _hash_at(state.upto_seq) == state.upto_hash
    todo = _moves_since(account, asset, state.upto_seq, upto) if fresh else None
    if todo is None:
        rebuild(state)
    else:
        _Rows(state).apply(todo)
    state.upto_seq, state.upto_hash = upto, upto_hash
    db.session.flush()


def rebuild(state: TraceState) -> None:
    """Replay the account from its first entry and write its lots and uses again."""
    account, asset = state.account, state.asset
    lots = select(TraceLot.seq).where(TraceLot.account == account, TraceLot.asset == asset)
    db.session.execute(delete(TraceUse).where(TraceUse.lot_seq.in_(lots)))
    db.session.execute(delete(TraceLot).where(TraceLot.account == account, TraceLot.asset == asset))
    replay = Attribution(account).replay(moves(account, asset))
    lot_rows = [
        {
            "seq": lot.seq,
            "account": account,
            "asset": asset,
            "amount": lot.amount,
            "remaining": lot.remaining,
            "ref": lot.ref[:80],
            "gift": lot.gift,
        }
        for lot in replay.lots
    ]
    use_rows = [
        {"use_seq": use, "lot_seq": lot.seq, "amount": amount}
        for lot in replay.lots
        for use, amount in lot.uses.items()
    ]
    _insert(TraceLot, lot_rows)
    _insert(TraceUse, use_rows)
    open_lots = [lot.seq for lot in replay.lots if lot.remaining]
    state.open_from = open_lots[0] if open_lots else (replay.lots[-1].seq + 1 if lot_rows else 0)


def _insert(model, rows: list[dict]) -> None:
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(model), rows[start : start + 5000])


class _Rows:
    """`fifo.Attribution`'s rules applied to the stored lots and uses of one account."""

    def __init__(self, state: TraceState) -> None:
        self.state = state
        self.mine = (TraceLot.account == state.account, TraceLot.asset == state.asset)

    def apply(self, todo: Iterable[tuple]) -> None:
        account = self.state.account
        for seq, source, destination, amount, kind, ref, reverses_seq in todo:
            if destination == account:
                self._inflow(seq, source, amount, kind, ref, reverses_seq)
            elif source == account:
                self._outflow(seq, destination, amount, kind, ref, reverses_seq)

    def _inflow(self, seq, source, amount, kind, ref, reverses_seq) -> None:
        if reverses_seq is not None:
            taken = db.session.execute(
                select(TraceUse.lot_seq, TraceUse.amount).where(TraceUse.use_seq == reverses_seq)
            ).all()
            if taken:  # a cancelled use gives back what it took
                for lot_seq, part in taken:
                    self._add(lot_seq, part)
                db.session.execute(delete(TraceUse).where(TraceUse.use_seq == reverses_seq))
                self.state.open_from = min(self.state.open_from, *(lot for lot, _ in taken))
                return
        gift = source == "world" and kind in GIFT_KINDS
        db.session.execute(
            insert(TraceLot).values(
                seq=seq,
                account=self.state.account,
                asset=self.state.asset,
                amount=amount,
                remaining=amount,
                ref=(ref or "")[:80],
                gift=gift,
            )
        )

    def _add(self, lot_seq: int, part: int) -> None:
        db.session.execute(
            update(TraceLot)
            .where(TraceLot.seq == lot_seq)
            .values(remaining=TraceLot.remaining + part)
        )

    def _named(self, destination, kind, ref, reverses_seq) -> tuple[int, int] | None:
        """The lot a return names (see Attribution._named_gift): (seq, remaining)."""
        if destination != "world":
            return None
        pick = select(TraceLot.seq, TraceLot.remaining).where(*self.mine)
        if reverses_seq is not None:
            lot = db.session.execute(pick.where(TraceLot.seq == reverses_seq)).first()
            if lot is not None:
                return (lot[0], lot[1])
        if kind in ("refund", "chargeback", "reversal") and ref:
            candidates = db.session.execute(
                pick.where(TraceLot.ref == ref, TraceLot.gift.is_(True)).order_by(TraceLot.seq)
            ).all()
            holding = [c for c in candidates if c[1]]
            if candidates:
                first = (holding or candidates)[0]
                return (first[0], first[1])
        return None

    def _take(self, lot: tuple[int, int], seq: int, amount: int) -> int:
        part = min(lot[1], amount)
        if part:
            self._add(lot[0], -part)
            db.session.execute(insert(TraceUse).values(use_seq=seq, lot_seq=lot[0], amount=part))
        return part

    def _outflow(self, seq, destination, amount, kind, ref, reverses_seq) -> None:
        left = amount
        named = self._named(destination, kind, ref, reverses_seq)
        if named is not None:
            left -= self._take(named, seq, left)
        while left:  # first in, first out: the oldest lots that still hold something
            page = db.session.execute(
                select(TraceLot.seq, TraceLot.remaining)
                .where(*self.mine, TraceLot.seq >= self.state.open_from, TraceLot.remaining > 0)
                .order_by(TraceLot.seq)
                .limit(_PAGE)
            ).all()
            if not page:
                break  # cannot happen on a valid ledger: no campaign goes below zero
            for lot_seq, remaining in page:
                part = self._take((lot_seq, remaining), seq, left)
                left -= part
                self.state.open_from = lot_seq if remaining > part else lot_seq + 1
                if not left:
                    break


def uses_of(account: str, asset: str, gifts: list[int]) -> tuple[dict[int, int], int]:
    """What the outflows took from these gifts ({use seq: amount}) and what the gifts still
    hold, from the stored attribution (catch it up first)."""
    uses: dict[int, int] = {}
    for use_seq, amount in db.session.execute(
        select(TraceUse.use_seq, TraceUse.amount).where(TraceUse.lot_seq.in_(gifts))
    ):
        uses[use_seq] = uses.get(use_seq, 0) + amount
    left = db.session.execute(
        select(TraceLot.remaining).where(
            TraceLot.seq.in_(gifts), TraceLot.account == account, TraceLot.asset == asset
        )
    ).scalars()
    return uses, sum(left)


def sync_all() -> int:
    """Catch up every campaign account in every asset (after a bulk load); returns how many."""
    from app.ledger.models import AccountBalance

    pairs = db.session.execute(
        select(AccountBalance.account, AccountBalance.asset)
        .where(AccountBalance.account.like("campaign:%"))
        .order_by(AccountBalance.account, AccountBalance.asset)
    ).all()
    for account, asset in pairs:
        catch_up(account, asset)
    return len(pairs)
