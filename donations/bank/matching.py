"""From a bank transaction to a donation: store once, recognise twins, find the pledge.

Every channel (SePay, Casso, statement files) ends here, so the rules are the same whatever
reported the money: stored once by (provider, id), counted once across channels, matched by
the reference code in the memo, and anything doubtful left to a treasurer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from app import writebehind
from app.dbtypes import utcnow
from app.extensions import db
from app.ledger import service as ledger
from donations.bank.memo import compact_memo, find_codes
from donations.bank.models import TX_TRANSITIONS, BankTransaction, TxStatus
from donations.bank.twins import TwinSearch, dedupe_key, digits, local_day
from donations.pledges.models import Pledge
from donations.recording import record_donation

STATEMENT = "statement"
# Bank-notification channels; a statement row's twin is a row of one of these, and back.
NOTIFIERS = ("sepay", "casso")

# Notes shown to treasurers; stored as messages, so each reader sees them in their language.
NOTE_OUT = _l("Tiền ra (ghi nợ): lưu lại, không tính là ủng hộ.")
NOTE_ZERO = _l("Số tiền bằng 0: lưu lại, không tính.")
NOTE_NO_CODE = _l("Nội dung chuyển khoản không có mã ủng hộ hợp lệ.")


def note_other_account(account: str):
    """The note of a transaction reported for another account than the fund's."""
    return _l(
        "Giao dịch của tài khoản khác (%(account)s), không phải tài khoản của quỹ: "
        "không tự ghi nhận.",
        account=account,
    )


def note_unknown_code(codes: str):
    """The note of a memo whose codes belong to no pledge."""
    return _l("Mã %(codes)s không thuộc cam kết ủng hộ nào.", codes=codes)


def note_many(codes: str):
    """The note of a memo naming several pledges."""
    return _l("Nội dung có mã của nhiều cam kết khác nhau (%(codes)s).", codes=codes)


def note_closed(ref: str, campaign: str):
    """The note of a transfer for a pledge of a closed campaign."""
    return _l(
        "Cam kết %(ref)s thuộc chiến dịch đã đóng (%(campaign)s): cần chọn nơi nhận.",
        ref=ref,
        campaign=campaign,
    )


def note_no_account(provider: str):
    """The note of a notification that names no account (never assumed to be the fund's)."""
    return _l(
        "Thông báo từ %(provider)s không ghi số tài khoản nhận: không tự ghi nhận, "
        "cần kiểm tra trên sao kê.",
        provider=provider,
    )


def note_maybe_twin(tx_id: int, provider: str):
    """The note of a report that may be another channel's report of an earlier transfer."""
    return _l(
        "Có thể trùng với giao dịch #%(id)s (%(provider)s): cùng số tiền và ngày, nhưng "
        "không cùng mã tham chiếu và nội dung khác nhau. Hãy so sánh và quyết định.",
        id=tx_id,
        provider=provider,
    )


def note_twin(tx_id: int, provider: str):
    """The note of the second report of a transfer already received through another channel."""
    return _l(
        "Trùng với giao dịch #%(id)s đã nhận qua %(provider)s: không tính lần nữa.",
        id=tx_id,
        provider=provider,
    )


def fund_account_number() -> str:
    """The fund's own account, digits only."""
    return digits(current_app.config["BANK_ACCOUNT_NUMBER"])


def statement_fingerprint(day: date, amount: int, reference: str | None, memo: str, n: int) -> str:
    """A statement row's stable id: the same row of the same (or an overlapping) file twice
    gives the same id; `n` tells apart identical rows of one day."""
    basis = (reference or "").strip() or compact_memo(memo)
    digest = hashlib.sha256(basis.encode()).hexdigest()[:16]
    return f"{day.isoformat()}:{amount}:{digest}:{n}"


# Built once (making a statement costs more than running it on a webhook's path).
_bank = BankTransaction.__table__
_STORED_ID = select(_bank.c.id).where(
    _bank.c.provider == bindparam("b_provider"), _bank.c.provider_id == bindparam("b_id")
)
_PLEDGES_BY_CODE = (
    select(Pledge)
    .options(joinedload(Pledge.campaign))
    .where(Pledge.reference.in_(bindparam("b_codes", expanding=True)))
)


@dataclass
class Incoming:
    """One transaction as a channel reported it, before it is stored."""

    provider: str
    provider_id: str
    amount: int
    occurred_at: datetime
    memo: str = ""
    account_number: str = ""
    direction: str = "in"
    bank_reference: str = ""
    raw: dict | None = None
    code_hint: str | None = None  # a code the provider itself found (SePay's `code`)
    # Why a report that cannot be counted as sent is kept for a treasurer (an amount too large
    # to be real, an id too long): stored in review with this note, answered 2xx, never retried.
    problem: object | None = None


@dataclass
class Screened:
    """What the identity rules decided for a report (see `Matcher.screen`)."""

    status: TxStatus
    note: object
    twin: BankTransaction | None = None  # certain: the row it is evidence of (duplicate)
    maybe_twin: BankTransaction | None = None  # uncertain: the row shown beside it (review)


class Matcher:
    """Stores and settles transactions; caches look-ups so a statement chunk costs a few
    queries, not a few per row."""

    def __init__(self) -> None:
        self.account = fund_account_number()
        self._pledges: dict[str, Pledge | None] = {}
        self.twins = TwinSearch(self.account)

    # -- look-ups ----------------------------------------------------------------------------

    def preload(self, items: Iterable[Incoming]) -> None:
        """Fetch in bulk the pledges and possible twins that `items` will ask for.

        The twins are looked for under the ledger lock (taken here, held until the commit),
        so a report of the same transfer committing meanwhile is seen, never missed.
        """
        items = list(items)
        self._load_pledges({code for item in items for code in self._codes(item)})
        self.twins.preload(item for item in items if self._counts(item))

    def _load_pledges(self, codes: Iterable[str]) -> None:
        """The pledges of these codes with their campaigns, in one query (those not cached).

        Read before the chain lock when a report is received: a pledge's code and campaign do
        not change with the money, and what does (`received`) is read again under the lock.
        """
        codes = set(codes) - self._pledges.keys()
        if not codes:
            return
        found = db.session.execute(_PLEDGES_BY_CODE, {"b_codes": sorted(codes)})
        by_ref = {p.reference: p for p in found.scalars()}
        for code in codes:
            self._pledges[code] = by_ref.get(code)

    def _pledge(self, code: str) -> Pledge | None:
        if code not in self._pledges:
            self._load_pledges([code])
        return self._pledges[code]

    def _key(self, item: Incoming) -> str:
        return dedupe_key(item.account_number, local_day(item.occurred_at), item.amount)

    @staticmethod
    def _codes(item: Incoming) -> list[str]:
        codes = find_codes(item.memo)
        for code in find_codes(item.code_hint or ""):
            if code not in codes:
                codes.append(code)
        return codes

    @staticmethod
    def _counts(item: Incoming) -> bool:
        """Money in, more than zero: a report that may be a transfer to the fund."""
        return item.direction == "in" and item.amount > 0

    def existing(self, provider: str, provider_id: str) -> BankTransaction | None:
        """The stored transaction with this provider id, if any."""
        found = db.session.execute(
            _STORED_ID, {"b_provider": provider, "b_id": provider_id}
        ).scalar_one_or_none()
        return db.session.get(BankTransaction, found) if found is not None else None

    # -- storing and settling ----------------------------------------------------------------

    def receive(
        self, item: Incoming, *, import_id: int | None = None, check_existing: bool = True
    ) -> tuple[BankTransaction, bool]:
        """Store `item` once and settle it; returns (row, created). Flushes, never commits.

        What does not need the chain lock is done before it is taken (the look-up of a stored
        copy, the pledges named in the memo), so the serial section stays short. Under the
        lock, reports of the same transfer by other channels are looked for in `_settle`. A
        copy of the same report committing between the look-up and the lock cannot be stored
        or credited twice: the unique (provider, id) and ledger keys refuse it at the flush
        (IntegrityError, which the webhook answers as a duplicate).
        """
        if check_existing:
            found = self.existing(item.provider, item.provider_id)
            if found is not None:
                return found, False
        if self._counts(item):
            self._load_pledges(self._codes(item))
        if self._counts(item) and check_existing:
            # A credit writes its bank row, a donation, a receipt and its mail: their ids are
            # taken before the lock, so that the rows wait for the commit, sent with it in one
            # round trip, instead of one round trip each under the lock (app/writebehind.py).
            writebehind.reserve_ids("bank_transactions", "donations", "receipts", "mail_outbox")
        with writebehind.window():
            return self._receive_locked(item, import_id, new=check_existing)

    def _receive_locked(
        self, item: Incoming, import_id: int | None, new: bool
    ) -> tuple[BankTransaction, bool]:
        ledger.lock()
        tx = BankTransaction(
            provider=item.provider,
            provider_id=item.provider_id,
            direction=item.direction,
            account_number=digits(item.account_number),
            amount=item.amount,
            memo=item.memo or "",
            bank_reference=(item.bank_reference or "")[:120],
            occurred_at=item.occurred_at,
            dedupe_key=self._key(item),
            status=TxStatus.new,
            import_id=import_id,
            raw=item.raw or {},
            received_at=utcnow(),
        )
        # A report not stored before the lock has no donation and no ledger entry under its
        # keys either (they are written with its row): their look-ups can be skipped.
        self._settle(tx, item, new=new)
        if not writebehind.insert_object(tx):
            db.session.add(tx)
            db.session.flush()
        self.twins.add(tx)
        return tx, True

    @staticmethod
    def _settle_as(tx: BankTransaction, status: TxStatus, note) -> None:
        TX_TRANSITIONS.move(tx, status)
        tx.set_note(note)

    def screen(self, item: Incoming) -> Screened | None:
        """The identity rules (one transfer, one credit), writing nothing: a decision for a
        report that must not be matched by its code, or None for a transfer of its own into
        the fund's account. A batch path that inserts rows itself calls this too, under the
        ledger lock, and stores `twin_of_id` / `maybe_twin_of_id` from the answer."""
        if item.problem is not None:
            return Screened(TxStatus.review, item.problem)
        if item.direction != "in":
            return Screened(TxStatus.ignored, NOTE_OUT)
        if item.amount <= 0:
            return Screened(TxStatus.ignored, NOTE_ZERO)
        account = digits(item.account_number)
        # Never assumed to be ours: no account, or another one, waits for a treasurer, with
        # the report it may duplicate beside it.
        if not account or account != self.account:
            twin = self.twins.find(item)
            note = note_no_account(item.provider) if not account else note_other_account(account)
            return Screened(TxStatus.review, note, maybe_twin=twin.row if twin else None)
        twin = self.twins.find(item)  # under the ledger lock: see twins.py
        if twin is not None and twin.certain:
            if twin.row.id is not None:
                self.twins.mark_claimed(twin.row.id, item.provider)
            return Screened(
                TxStatus.duplicate, note_twin(twin.row.id, twin.row.provider), twin=twin.row
            )
        if twin is not None:
            note = note_maybe_twin(twin.row.id, twin.row.provider)
            return Screened(TxStatus.review, note, maybe_twin=twin.row)
        return None

    def _settle(self, tx: BankTransaction, item: Incoming, new: bool = False) -> None:
        screened = self.screen(item)
        if screened is not None:
            if screened.twin is not None:
                tx.twin_of = screened.twin
                tx.pledge_id, tx.donation_id = screened.twin.pledge_id, screened.twin.donation_id
            tx.maybe_twin_of = screened.maybe_twin
            self._settle_as(tx, screened.status, screened.note)
            return
        codes = self._codes(item)
        pledges = [p for p in (self._pledge(code) for code in codes) if p is not None]
        distinct = {p.id: p for p in pledges}
        if not codes:
            self._settle_as(tx, TxStatus.review, NOTE_NO_CODE)
            return
        if not distinct:
            self._settle_as(tx, TxStatus.review, note_unknown_code(", ".join(codes)))
            return
        if len(distinct) > 1:
            references = ", ".join(p.reference for p in distinct.values())
            self._settle_as(tx, TxStatus.review, note_many(references))
            return
        pledge = pledges[0]
        tx.pledge = pledge
        if not pledge.campaign.accepts_gifts:
            note = note_closed(pledge.reference, pledge.campaign.title)
            self._settle_as(tx, TxStatus.review, note)
            return
        provider_ref, key = tx.donation_keys()
        donation, _created = record_donation(
            campaign=pledge.campaign,
            amount=item.amount,
            provider=item.provider,
            provider_ref=provider_ref,
            idempotency_key=key,
            pledge=pledge,
            received_at=item.occurred_at,
            new=new and not tx.reassigned,
        )
        tx.donation = donation
        self._settle_as(tx, TxStatus.matched, "")
