"""Posting to the ledger: the only way value moves (DESIGN.md §4)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import Table, bindparam, func, inspect, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm.attributes import set_committed_value

from app import writebehind
from app.dbtypes import utcnow
from app.errors import DomainError
from app.extensions import db
from app.ledger.chain import canonical, entry_hash
from app.ledger.models import GENESIS_HASH, AccountBalance, Asset, LedgerEntry, LedgerHead
from app.locking import take_write_lock
from app.money import format_quantity
from app.txcache import tx_cache

WORLD = "world"
ACCOUNT_RE = re.compile(r"^(world|(campaign|student|expense|fees):[A-Za-z0-9_.\-]{1,70})$")
KINDS = frozenset(
    {
        "donation",
        "in_kind",
        "allocation",
        "disbursement",
        "purchase",
        "expense",
        "fee",
        "refund",
        "chargeback",
        "reallocation",
        "reversal",
        "adjustment",
    }
)


class LedgerError(DomainError, ValueError):
    """A posting that the ledger refuses; the message is meant for people."""

    status_code = 422


class InsufficientFunds(LedgerError):
    """The source account would go below zero (often: someone else just moved the money)."""

    status_code = 409


class IdempotencyConflict(LedgerError):
    """The idempotency key was used before for a different movement."""

    status_code = 409


class AlreadyReversed(LedgerError):
    """The entry has been reversed already."""

    status_code = 409


@dataclass(frozen=True)
class Posting:
    """What post() did: the entry, and whether it was already there."""

    entry: LedgerEntry
    created: bool


# While a transaction holds the head lock, no other writer can touch the head or any balance
# row, so both are remembered for the rest of the transaction instead of read again for every
# posting (a statement import posts thousands of entries in one transaction).
_LOCKED_HEAD = "ledger.locked_head"
_BALANCE_ROWS = "ledger.balance_rows"
_BEHIND = "ledger.balances_behind"  # increments queued, not yet sent (see _add_behind)
# Assets are never deleted once an entry names them (foreign key), so one look-up per process.
_KNOWN_ASSETS: set[str] = set()


# `lock_rows(select(LedgerHead)…)`, built once: every posting transaction runs it.
_HEAD_FOR_UPDATE = (
    select(LedgerHead)
    .where(LedgerHead.id == 1)
    .with_for_update()
    .execution_options(populate_existing=True)
)


def _lock_head() -> LedgerHead:
    """Take the chain-head lock for the rest of the transaction and return the head."""
    session = db.session
    held = tx_cache(session).get(_LOCKED_HEAD)
    if held is not None:
        return held
    take_write_lock()
    head = db.session.execute(_HEAD_FOR_UPDATE).scalars().one_or_none()
    if head is None:
        head = LedgerHead(id=1, seq=0, hash=GENESIS_HASH)
        session.add(head)
        session.flush()
    tx_cache(session)[_LOCKED_HEAD] = head
    tx_cache(session)[_BALANCE_ROWS] = {}
    return head


def lock() -> None:
    """Take the chain lock now, for the rest of the transaction: other posters wait for it.

    A service deciding on something that posts (approving a round, posting a blocked refund)
    takes it before it reads that thing's state, so a colleague's decision at the same moment
    is either committed and seen, or waits for this one.
    """
    _lock_head()


def _balance_row(account: str, asset: str) -> AccountBalance:
    """The balance row, read once per locked transaction (see _LOCKED_HEAD)."""
    _balances_read()
    cache = tx_cache(db.session).setdefault(_BALANCE_ROWS, {})
    row = cache.get((account, asset))
    if row is not None:
        return row
    row = db.session.execute(
        select(AccountBalance)
        .where(AccountBalance.account == account, AccountBalance.asset == asset)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if row is None:
        row = AccountBalance(account=account, asset=asset, balance=0, total_in=0, total_out=0)
        db.session.add(row)
    cache[(account, asset)] = row
    return row


# Built once (webhooks post one entry each, under the lock, where making statements costs).
_PAIR = (
    select(AccountBalance)
    .where(
        AccountBalance.account.in_(bindparam("b_accounts", expanding=True)),
        AccountBalance.asset == bindparam("b_asset"),
    )
    .execution_options(populate_existing=True)
)


def _balance_pair(
    source: str, destination: str, asset: str
) -> tuple[AccountBalance, AccountBalance | None]:
    """The source's balance row (made if missing) and the destination's, or None when it has
    none yet; both read in one query unless already read in this locked transaction (see
    _LOCKED_HEAD). The destination's row is read or made by `_balance_row` once the posting
    is sure (a refused posting adds no row)."""
    _balances_read()
    cache = tx_cache(db.session).setdefault(_BALANCE_ROWS, {})
    if (source, asset) in cache or (destination, asset) in cache:
        return _balance_row(source, asset), cache.get((destination, asset))
    rows = db.session.execute(_PAIR, {"b_accounts": [source, destination], "b_asset": asset})
    for row in rows.scalars():
        cache[(row.account, row.asset)] = row
    if (source, asset) not in cache:
        cache[(source, asset)] = _new_balance_row(source, asset)
    return cache[(source, asset)], cache.get((destination, asset))


def _new_balance_row(account: str, asset: str) -> AccountBalance:
    row = AccountBalance(account=account, asset=asset, balance=0, total_in=0, total_out=0)
    db.session.add(row)
    return row


def _balance_rows(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], AccountBalance]:
    """`_balance_row` for many (account, asset) pairs: the ones not yet read in this locked
    transaction in one query per 500 accounts (a batch of allocations names thousands)."""
    _balances_read()
    cache = tx_cache(db.session).setdefault(_BALANCE_ROWS, {})
    wanted = set(pairs)
    missing = sorted(wanted - cache.keys())
    accounts = sorted({account for account, _asset in missing})
    for start in range(0, len(accounts), 500):
        rows = db.session.execute(
            select(AccountBalance)
            .where(AccountBalance.account.in_(accounts[start : start + 500]))
            .execution_options(populate_existing=True)
        ).scalars()
        for row in rows:
            cache.setdefault((row.account, row.asset), row)
    for account, asset in missing:
        if (account, asset) not in cache:
            row = AccountBalance(account=account, asset=asset, balance=0, total_in=0, total_out=0)
            db.session.add(row)
            cache[(account, asset)] = row
    return {pair: cache[pair] for pair in wanted}


def _validate(source: str, destination: str, asset: str, amount: int, kind: str) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise LedgerError(_l("Số tiền phải là số nguyên (đồng hoặc đơn vị hiện vật)."))
    if amount <= 0:
        raise LedgerError(_l("Số tiền phải lớn hơn 0."))
    for account in (source, destination):
        if not ACCOUNT_RE.match(account):
            raise LedgerError(_l("Tài khoản sổ cái không hợp lệ: %(account)s.", account=account))
    if source == destination:
        raise LedgerError(_l("Tài khoản nguồn và đích phải khác nhau."))
    if kind not in KINDS:
        raise LedgerError(_l("Loại bút toán không hợp lệ: %(kind)s.", kind=kind))
    if asset not in _KNOWN_ASSETS:
        if db.session.get(Asset, asset) is None:
            raise LedgerError(_l("Tài sản không tồn tại: %(asset)s.", asset=asset))
        _KNOWN_ASSETS.add(asset)


def post(
    *,
    source: str,
    destination: str,
    asset: str,
    amount: int,
    kind: str,
    ref: str,
    idempotency_key: str,
    reverses: LedgerEntry | None = None,
    label: str = "",
    at: datetime | None = None,
    new: bool = False,
    flush: bool = True,
) -> Posting:
    """Append one entry to the chain; flushes, never commits.

    The same idempotency key with the same movement returns the existing entry; with a
    different movement it is refused. No account but `world` may go below zero.
    `new`: the caller knows the key unused (it checked under the chain lock that the event it
    records was never stored), so it is not looked up; the unique key still refuses a
    duplicate at the flush (IntegrityError). `flush=False`: the caller flushes soon, with
    its own rows (one flush instead of two; the chain and balances are already set here).
    """
    _validate(source, destination, asset, amount, kind)
    if not idempotency_key:
        raise LedgerError(_l("Thiếu khoá chống trùng (idempotency key)."))
    head = _lock_head()

    existing = None
    if not new:
        existing = db.session.execute(
            select(LedgerEntry).where(LedgerEntry.idempotency_key == idempotency_key)
        ).scalar_one_or_none()
    if existing is not None:
        same = (existing.source, existing.destination, existing.asset, existing.amount) == (
            source,
            destination,
            asset,
            amount,
        )
        if not same:
            raise IdempotencyConflict(
                _l(
                    "Việc này đã được ghi sổ cái ở bút toán #%(seq)s với số liệu khác (khoá "
                    "%(key)s), có lẽ do người khác vừa xử lý. Không có gì được ghi thêm; hãy tải "
                    "lại trang để xem tình trạng mới nhất.",
                    key=idempotency_key,
                    seq=existing.seq,
                )
            )
        return Posting(existing, created=False)

    if reverses is not None:
        _check_reversal(reverses, source, destination, asset, amount)

    # Money from outside into an account (a bank credit in a write-behind window): nothing
    # to check (only `world` pays it), so both balances are moved by queued increments,
    # without being read. Rows already read in this transaction keep the usual way.
    known = tx_cache(db.session).setdefault(_BALANCE_ROWS, {})
    behind = (
        new
        and source == WORLD
        and (source, asset) not in known
        and (destination, asset) not in known
        and writebehind.is_open()
    )
    if behind:
        _add_behind(source, destination, asset, amount)
    else:
        _move_checked(source, destination, asset, amount)

    seq = head.seq + 1
    when = (at or utcnow()).replace(microsecond=0)
    body = canonical(
        seq=seq,
        at=when,
        kind=kind,
        source=source,
        destination=destination,
        asset=asset,
        amount=amount,
        ref=ref,
    )
    digest = entry_hash(head.hash, body)
    entry = LedgerEntry(
        seq=seq,
        at=when,
        kind=kind,
        source=source,
        destination=destination,
        asset=asset,
        amount=amount,
        ref=ref,
        idempotency_key=idempotency_key,
        reverses_seq=reverses.seq if reverses is not None else None,
        label=label,
        prev_hash=head.hash,
        hash=digest,
    )
    # A new key in a write-behind window: the row waits for the commit (app/writebehind.py).
    if not (new and writebehind.insert_object(entry)):
        db.session.add(entry)
    _move_head(head, seq, digest)
    if flush:
        db.session.flush()
    return Posting(entry, created=True)


def _move_checked(source: str, destination: str, asset: str, amount: int) -> None:
    """Move `amount` between the two balance rows, read (once per locked transaction) and
    checked: no account but `world` goes below zero."""
    out_row, in_row = _balance_pair(source, destination, asset)
    if source != WORLD and out_row.balance < amount:
        raise InsufficientFunds(
            _l(
                "Tài khoản %(account)s không đủ số dư: còn %(have)s, cần %(need)s. Số dư có thể "
                "vừa thay đổi do một thao tác khác; không có gì được ghi sổ.",
                account=source,
                have=format_quantity(out_row.balance, asset),
                need=format_quantity(amount, asset),
            )
        )
    if in_row is None:
        in_row = _balance_row(destination, asset)
    _move([(out_row, -amount, 0, amount), (in_row, amount, amount, 0)])


@functools.cache
def _upsert_balance():
    """Add to a balance row, making it if missing (PostgreSQL; write-behind is only there)."""
    new = pg_insert(_balances)
    return new.on_conflict_do_update(
        index_elements=[_balances.c.account, _balances.c.asset],
        set_={
            "balance": _balances.c.balance + new.excluded.balance,
            "total_in": _balances.c.total_in + new.excluded.total_in,
            "total_out": _balances.c.total_out + new.excluded.total_out,
        },
    )


def _add_behind(source: str, destination: str, asset: str, amount: int) -> None:
    """Queue `world → destination` as increments of both balance rows, unread;
    `_balances_read` sends them before any balance is read again in this transaction."""
    writebehind.execute(
        _upsert_balance(),
        [
            {
                "account": source,
                "asset": asset,
                "balance": -amount,
                "total_in": 0,
                "total_out": amount,
            },
            {
                "account": destination,
                "asset": asset,
                "balance": amount,
                "total_in": amount,
                "total_out": 0,
            },
        ],
    )
    tx_cache(db.session)[_BEHIND] = True


def _balances_read() -> None:
    """Before a balance row is read: send increments queued by `_add_behind`."""
    cache = tx_cache(db.session)
    if cache.pop(_BEHIND, False):
        writebehind.send_now()


# The balance and head rows are written at once by plain UPDATEs (set as committed on the
# ORM rows, which stay right for later postings and batches of the transaction): the flush,
# whose cost grows with its rows, then has only the new entry (and the caller's own rows).
_balances = cast(Table, AccountBalance.__table__)
_UPDATE_BALANCE = (
    update(_balances)
    .where(_balances.c.account == bindparam("b_account"), _balances.c.asset == bindparam("b_asset"))
    .values(
        balance=bindparam("b_balance"),
        total_in=bindparam("b_in"),
        total_out=bindparam("b_out"),
    )
)
_heads = cast(Table, LedgerHead.__table__)
_UPDATE_HEAD = (
    update(_heads)
    .where(_heads.c.id == bindparam("b_id"))
    .values(seq=bindparam("b_seq"), hash=bindparam("b_hash"))
)


def _plain(row) -> bool:
    """Whether a row can be written by a plain UPDATE: stored, with no change pending."""
    state = inspect(row)
    return state.persistent and not state.modified


def _move(moves: list[tuple[AccountBalance, int, int, int]]) -> None:
    """Apply (row, change of balance, moved in, moved out) to balance rows; the stored ones in
    one executemany, a row new in this transaction with the flush."""
    plain = []
    for row, change, moved_in, moved_out in moves:
        balance, total_in, total_out = (
            row.balance + change,
            row.total_in + moved_in,
            row.total_out + moved_out,
        )
        if not _plain(row):
            row.balance, row.total_in, row.total_out = balance, total_in, total_out
            continue
        plain.append((row, balance, total_in, total_out))
    if not plain:
        return
    writebehind.execute(
        _UPDATE_BALANCE,
        [
            {
                "b_account": row.account,
                "b_asset": row.asset,
                "b_balance": balance,
                "b_in": total_in,
                "b_out": total_out,
            }
            for row, balance, total_in, total_out in plain
        ],
    )
    for row, balance, total_in, total_out in plain:
        set_committed_value(row, "balance", balance)
        set_committed_value(row, "total_in", total_in)
        set_committed_value(row, "total_out", total_out)


def _move_head(head: LedgerHead, seq: int, digest: str) -> None:
    if not _plain(head):
        head.seq, head.hash = seq, digest
        return
    writebehind.execute(_UPDATE_HEAD, {"b_id": head.id, "b_seq": seq, "b_hash": digest})
    set_committed_value(head, "seq", seq)
    set_committed_value(head, "hash", digest)


def _check_reversal(
    original: LedgerEntry, source: str, destination: str, asset: str, amount: int
) -> None:
    if (source, destination, asset) != (original.destination, original.source, original.asset):
        raise LedgerError(_l("Bút toán đảo phải đi ngược chiều bút toán gốc, cùng tài sản."))
    if amount != original.amount:
        raise LedgerError(_l("Bút toán đảo phải có cùng số lượng với bút toán gốc."))
    already = db.session.execute(
        select(LedgerEntry.seq).where(LedgerEntry.reverses_seq == original.seq)
    ).scalar_one_or_none()
    if already is not None:
        raise AlreadyReversed(
            _l(
                "Bút toán #%(seq)s đã được đảo bởi bút toán #%(by)s; không đảo lần nữa.",
                seq=original.seq,
                by=already,
            )
        )


def reverse(entry: LedgerEntry, *, idempotency_key: str, ref: str | None = None) -> Posting:
    """Post the entry that cancels `entry` (never edit or delete)."""
    return post(
        source=entry.destination,
        destination=entry.source,
        asset=entry.asset,
        amount=entry.amount,
        kind="reversal",
        ref=ref if ref is not None else entry.ref,
        idempotency_key=idempotency_key,
        reverses=entry,
    )


def balance(account: str, asset: str = "VND") -> int:
    """Current balance of one account in one asset."""
    _balances_read()
    value = db.session.execute(
        select(AccountBalance.balance).where(
            AccountBalance.account == account, AccountBalance.asset == asset
        )
    ).scalar_one_or_none()
    return value or 0


def balances(account: str) -> dict[str, AccountBalance]:
    """Balance rows of one account, by asset."""
    _balances_read()
    rows = db.session.execute(select(AccountBalance).where(AccountBalance.account == account))
    return {row.asset: row for row in rows.scalars()}


def head() -> tuple[int, str]:
    """The last seq and hash (0 and 64 zeros for an empty ledger)."""
    row = db.session.get(LedgerHead, 1)
    return (row.seq, row.hash) if row else (0, GENESIS_HASH)


def entry_count() -> int:
    """Number of entries in the ledger."""
    return db.session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one()
