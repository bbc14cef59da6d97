"""One transfer, one credit: the same bank transfer reported by several channels.

A transfer reaches us through SePay, Casso, statement files (and any notifier added later).
Its identity across channels is:

- the fund's account: a report for no account or another one is never assumed to be ours
  (matching sends it to review; it is never a twin that lets money in);
- the amount, exactly;
- the value date, Vietnam time, with ±1 working day of tolerance (a statement dates by
  posting date: the next day, or Monday for a transfer made on Friday night or the weekend);
- the bank's reference when both reports carry one: equal references are the same transfer,
  different ones are two transfers (two identical gifts the same day both count);
- the memo as evidence when a reference is missing: the same pledge code, or one memo
  containing the other, is the same transfer; codes of different pledges are two transfers.

A report that agrees with an earlier row of another channel is a *certain* twin: it is kept as
evidence on that row (status duplicate, `twin_of_id`) and counts nothing. One that meets a row
of the same amount and day but neither reference nor memo agree is *uncertain*: it waits in
review beside that row (`maybe_twin_of_id`) and is never credited on its own.

The search runs after the ledger lock is taken (`app.ledger.service.lock()`), inside the
transaction that posts: a report of the same transfer arriving through another channel at the
same moment waits for the lock and then sees the first one, committed.

Each earlier row is claimed at most once per channel, so a channel's second report of an
identical transfer finds the second row, not the first again.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, select

from app.dbtypes import VN_TZ
from app.extensions import db
from app.ledger import service as ledger
from app.ledger.rows import among
from donations.bank.memo import compact_memo, find_codes
from donations.bank.models import BankTransaction, TxStatus

# Rows that stand for a transfer of their own: not evidence, not money out or another account.
_NOT_PRIMARY = (TxStatus.duplicate, TxStatus.ignored)
_KEYS_PER_QUERY = 2000
_FEW_KEYS = 16


# Built once: a webhook runs it under the chain lock, where making a statement costs.
_CANDIDATES = (
    select(BankTransaction)
    .where(
        BankTransaction.dedupe_key.in_(bindparam("b_keys", expanding=True)),
        BankTransaction.provider != bindparam("b_asker"),
        BankTransaction.status.not_in(_NOT_PRIMARY),
        BankTransaction.direction == "in",
    )
    .order_by(BankTransaction.id)
)


def _candidates(asker: str, keys: list[str]) -> list[tuple]:
    """(statement, parameters) pairs that together give the rows another channel reported
    under these keys: the prebuilt statement for a webhook's few keys (built once: it runs
    under the chain lock), array-parameter ones for an import chunk's thousands.

    A chunk's keys are the statement's own keys too (a few dozen days times a few amounts),
    so `provider != asker` would walk the index through every row the import stored so far
    and drop them one by one (a cost that grows with the file). Asked as two ranges of the
    (dedupe_key, provider) index, below and above the asker, it never visits them."""
    if len(keys) <= _FEW_KEYS:
        return [(_CANDIDATES, {"b_keys": keys, "b_asker": asker})]
    provider = BankTransaction.provider
    return [
        (
            select(BankTransaction)
            .where(
                among(BankTransaction.dedupe_key, keys),
                other,
                BankTransaction.status.not_in(_NOT_PRIMARY),
                BankTransaction.direction == "in",
            )
            .order_by(BankTransaction.id),
            {},
        )
        for other in (provider < asker, provider > asker)
    ]


def digits(text: str | None) -> str:
    """An account number reduced to its digits (banks print it with spaces or dots)."""
    if text and text.isalnum():
        return text  # already bare: the common case, asked for every row of an import
    return "".join(ch for ch in (text or "") if ch.isalnum())


def local_day(moment: datetime) -> date:
    """The bank's (Vietnam's) calendar day of a moment."""
    return moment.astimezone(VN_TZ).date()


def dedupe_key(account: str, day: date, amount: int) -> str:
    """Where reports of the same transfer meet: account, value date and amount."""
    return f"{digits(account)}|{day.isoformat()}|{amount}"


def _working(day: date) -> bool:
    return day.weekday() < 5  # Monday to Friday (public holidays are not known here)


def value_days(day: date) -> list[date]:
    """The days a report of the same transfer may carry: from the working day before to the
    working day after (±1 day in the week; a Saturday evening transfer is booked on Monday),
    the day itself first, then the nearest."""
    return list(_value_days(day))


@lru_cache(maxsize=1024)  # a statement's rows fall on a few dozen days
def _value_days(day: date) -> tuple[date, ...]:
    before, after = day - timedelta(days=1), day + timedelta(days=1)
    while not _working(before):
        before -= timedelta(days=1)
    while not _working(after):
        after += timedelta(days=1)
    days = [before + timedelta(days=n) for n in range((after - before).days + 1)]
    return tuple(sorted(days, key=lambda d: (abs((d - day).days), d)))


def nearby_keys(account: str, day: date, amount: int) -> list[str]:
    """The keys of the value dates a twin may carry (the day itself first)."""
    account = digits(account)
    return [f"{account}|{d.isoformat()}|{amount}" for d in _value_days(day)]


@lru_cache(maxsize=4096)  # asked twice per row of an import, whose rows share few of them
def _keys_at(account: str, moment: datetime, amount: int) -> tuple[str, ...]:
    """`nearby_keys` of a moment (equal moments fall on the same Vietnam day)."""
    return tuple(f"{account}|{d.isoformat()}|{amount}" for d in _value_days(local_day(moment)))


class Evidence(enum.Enum):
    """What two reports say about each other."""

    same = "same"
    different = "different"
    unsure = "unsure"


def _reference(text: str | None) -> str:
    return "".join((text or "").split()).upper()


def _codes(memo: str, hint: str | None = None) -> set[str]:
    return set(find_codes(memo or "")) | set(find_codes(hint or ""))


def compare(row: BankTransaction, item: Any) -> Evidence:
    """Whether a stored row and an incoming report (same account, amount, day ±1) are one
    transfer: the bank references decide when both have one, else the memos."""
    left, right = _reference(row.bank_reference), _reference(item.bank_reference)
    if left and right:
        return Evidence.same if left == right else Evidence.different
    codes_left = _codes(row.memo)
    codes_right = _codes(item.memo, getattr(item, "code_hint", None))
    if codes_left and codes_right:
        return Evidence.same if codes_left & codes_right else Evidence.different
    memo_left, memo_right = compact_memo(row.memo), compact_memo(item.memo)
    if memo_left and memo_right and (memo_left in memo_right or memo_right in memo_left):
        return Evidence.same
    return Evidence.unsure


@dataclass(frozen=True)
class Twin:
    """The earlier row an incoming report belongs to, and how sure we are."""

    row: BankTransaction
    certain: bool


class _Bucket:
    """The candidate rows of one key: by channel, and by bank reference, so that a statement
    chunk of thousands of rows on one day finds its twins without scanning them all."""

    __slots__ = ("by_provider", "without_ref", "by_ref")

    def __init__(self) -> None:
        self.by_provider: dict[str, list[BankTransaction]] = {}
        self.without_ref: dict[str, list[BankTransaction]] = {}
        self.by_ref: dict[str, list[BankTransaction]] = {}

    def add(self, row: BankTransaction) -> None:
        self.by_provider.setdefault(row.provider, []).append(row)
        reference = _reference(row.bank_reference)
        if reference:
            self.by_ref.setdefault(reference, []).append(row)
        else:
            self.without_ref.setdefault(row.provider, []).append(row)


class TwinSearch:
    """Candidate rows by key, loaded under the ledger lock; one per Matcher (per transaction).

    Candidates are loaded for the channel that asks: a statement chunk never reads the
    statement's own earlier rows (which grow with the file), only the other channels' rows.
    """

    def __init__(self, account: str) -> None:
        self.account = digits(account)
        # (asking channel, key) → the other channels' rows under that key.
        self._rows: dict[tuple[str, str], _Bucket] = {}
        self._askers: dict[str, set[str]] = {}  # key → the channels that loaded it
        # (row id, provider): that row already has that channel's report as evidence.
        self._claimed: set[tuple[int, str]] = set()

    def _keys(self, item: Any) -> tuple[str, ...]:
        return _keys_at(self.account, item.occurred_at, item.amount)

    def preload(self, items: Iterable[Any]) -> None:
        """Take the ledger lock, then load every candidate the items may meet (a few queries
        for a whole statement chunk)."""
        ledger.lock()
        wanted: dict[str, set[str]] = {}
        for item in items:
            for key in self._keys(item):
                if (item.provider, key) not in self._rows:
                    wanted.setdefault(item.provider, set()).add(key)
        for asker, keys in wanted.items():
            self._load(asker, keys)

    def _load(self, asker: str, keys: set[str]) -> None:
        for key in keys:
            self._rows[(asker, key)] = _Bucket()
            self._askers.setdefault(key, set()).add(asker)
        found: list[BankTransaction] = []
        ordered = sorted(keys)
        for start in range(0, len(ordered), _KEYS_PER_QUERY):  # SQLite's bound-variable limit
            for stmt, params in _candidates(asker, ordered[start : start + _KEYS_PER_QUERY]):
                found += db.session.execute(stmt, params).scalars()
        found.sort(key=lambda row: row.id)
        for row in found:
            self._rows[(asker, row.dedupe_key)].add(row)
        ids = [row.id for row in found]
        for start in range(0, len(ids), _KEYS_PER_QUERY):
            claims = db.session.execute(
                select(BankTransaction.twin_of_id, BankTransaction.provider).where(
                    among(BankTransaction.twin_of_id, ids[start : start + _KEYS_PER_QUERY])
                )
            )
            self._claimed.update((row_id, provider) for row_id, provider in claims)

    def _free(self, row: BankTransaction, provider: str) -> bool:
        return row.provider != provider and (row.id, provider) not in self._claimed

    def find(self, item: Any) -> Twin | None:
        """The earlier row of another channel that reports the same transfer, if any."""
        keys = self._keys(item)
        missing = {key for key in keys if (item.provider, key) not in self._rows}
        ledger.lock()
        if missing:
            self._load(item.provider, missing)
        reference = _reference(item.bank_reference)
        unsure: BankTransaction | None = None
        for key in keys:  # the same day first, then the days around it
            bucket = self._rows[(item.provider, key)]
            if reference:
                for row in bucket.by_ref.get(reference, ()):
                    if self._free(row, item.provider):
                        return Twin(row, certain=True)
                # Rows with another reference are other transfers: only those without one
                # are left to the memo.
                candidates = bucket.without_ref
            else:
                candidates = bucket.by_provider
            for rows in candidates.values():
                for row in rows:
                    if not self._free(row, item.provider):
                        continue
                    evidence = compare(row, item)
                    if evidence is Evidence.same:
                        return Twin(row, certain=True)
                    if evidence is Evidence.unsure and unsure is None:
                        unsure = row
        return Twin(unsure, certain=False) if unsure is not None else None

    def add(self, tx: BankTransaction) -> None:
        """A row stored in this transaction: later reports of other channels in the same run
        may meet it (keys not loaded yet will read it from the session, flushed)."""
        if tx.status in _NOT_PRIMARY or tx.direction != "in":
            return
        for asker in self._askers.get(tx.dedupe_key, ()):
            if asker != tx.provider:
                self._rows[(asker, tx.dedupe_key)].add(tx)

    def claim(self, row: BankTransaction, tx: BankTransaction) -> None:
        """Keep `tx` as evidence of `row`: the same transfer, counted once."""
        tx.twin_of = row
        if row.id is not None:
            self.mark_claimed(row.id, tx.provider)

    def mark_claimed(self, row_id: int, provider: str) -> None:
        """For a batch path that inserts rows itself (twin_of_id = row_id): `provider`'s
        report of that transfer is taken, a second one must find another row."""
        self._claimed.add((row_id, provider))
