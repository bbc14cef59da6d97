"""Monthly bank reconciliation: the bank's closing balance against the ledger, every difference
listed, and the month closed by a treasurer once they agree.

For one calendar month (Vietnam time) of the fund's bank account:

- bank side: the closing balance printed on the month's statement;
- ledger side: the statement's opening balance, plus the bank transfers the ledger counts as
  gifts with a value date in the month (`bank:` entries, not reversed), minus the payments the
  ledger sends out of the fund in the month (hand-overs, expenses, refunds; card refunds go
  back through Stripe and are left out);
- difference = bank − ledger, explained item by item: transfers waiting in the review queue,
  credits a treasurer set aside as not a donation, money out seen at the bank with no payment
  in the ledger (bank fees among them), and, for information, reports whose account is
  missing or another one, possible duplicates, and ledger payments no notification showed.

A month is closed when the difference is zero and nothing of it waits in the review queue; its
figures are frozen then and published at /doi-soat/<YYYY-MM> with the statement's SHA-256.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from app import stored_text
from app.audit import service as audit
from app.auth.guards import require_role
from app.dbtypes import VN_TZ, utcnow
from app.errors import Conflict, DomainError, NotFound
from app.extensions import db
from app.ledger import service as ledger
from app.ledger.models import LedgerEntry
from app.money import AMOUNT_CEILING
from app.text import strip_diacritics
from donations.bank.matching import fund_account_number
from donations.bank.models import BankTransaction, StatementImport, TxStatus
from donations.bank.month_models import BankMonth, MonthStatus

CLOSERS = ("admin", "treasurer")
MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
PAYMENT_KINDS = ("disbursement", "expense", "refund", "purchase")
FEE_WORDS = frozenset({"phi", "fee", "fees", "sms"})  # whole words, without diacritics
_WORD_RE = re.compile(r"[a-z]+")
# The balance after the transaction, as each notifier reports it.
BALANCE_FIELDS = ("accumulated", "runningBalance")

ITEM_LABELS = {
    "unassigned": _l("Tiền vào chưa gán (đang chờ xử lý)"),
    "not_donation": _l("Tiền vào không phải ủng hộ (đã ghi lý do)"),
    "payment_unrecorded": _l("Tiền ra ở ngân hàng chưa ghi sổ cái"),
    "fee": _l("Phí ngân hàng chưa ghi sổ cái"),
    "no_account": _l("Thông báo không rõ tài khoản (không tính)"),
    "maybe_twin": _l("Có thể trùng, chờ xử lý (không tính)"),
    "payment_unseen": _l("Khoản chi đã ghi sổ, chưa thấy thông báo ngân hàng (không tính)"),
}
# Items that explain the difference; the others are shown for the treasurer to look at.
EXPLAINING = ("unassigned", "not_donation", "payment_unrecorded", "fee")


def parse_month(text: str) -> str:
    """A month as "YYYY-MM", or NotFound (it comes from a URL)."""
    if not MONTH_RE.match(text or ""):
        raise NotFound(_l("Tháng không hợp lệ (dạng YYYY-MM)."))
    return text


def bounds(month: str) -> tuple[datetime, datetime]:
    """The month's first instant and the next month's, Vietnam time, in UTC."""
    year, number = (int(part) for part in month.split("-"))
    start = datetime(year, number, 1, tzinfo=VN_TZ)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=VN_TZ)
    return start.astimezone(UTC), end.astimezone(UTC)


@dataclass
class Item:
    """One line that explains (or may explain) a difference; + means the bank holds more."""

    kind: str
    amount: int
    at: datetime
    text: str
    tx_id: int | None = None
    seq: int | None = None

    @property
    def label(self):
        return ITEM_LABELS[self.kind]

    @property
    def explains(self) -> bool:
        return self.kind in EXPLAINING


@dataclass
class Reconciliation:
    """A month's figures as they stand now."""

    month: str
    opening: int | None
    closing: int | None
    ledger_credits: int
    ledger_payments: int
    credits_count: int
    payments_count: int
    items: list[Item] = field(default_factory=list)
    notified_balance: int | None = None
    waiting: int = 0  # transfers of the month still in the review queue

    @property
    def ledger_total(self) -> int | None:
        if self.opening is None:
            return None
        return self.opening + self.ledger_credits - self.ledger_payments

    @property
    def difference(self) -> int | None:
        if self.closing is None or self.ledger_total is None:
            return None
        return self.closing - self.ledger_total

    @property
    def explained(self) -> int:
        return sum(item.amount for item in self.items if item.explains)

    @property
    def unexplained(self) -> int | None:
        return None if self.difference is None else self.difference - self.explained

    @property
    def balances(self) -> bool:
        return self.difference == 0 and self.waiting == 0

    def public_figures(self) -> dict[str, Any]:
        """What the public page shows of a closed month: totals only, no person."""
        return {
            "opening": self.opening,
            "closing": self.closing,
            "ledger_credits": self.ledger_credits,
            "ledger_payments": self.ledger_payments,
            "credits_count": self.credits_count,
            "payments_count": self.payments_count,
            "ledger_total": self.ledger_total,
            "difference": self.difference,
        }


def _not_reversed():
    reversal = aliased(LedgerEntry)
    return ~exists().where(reversal.reverses_seq == LedgerEntry.seq)


def _in_month(column, start: datetime, end: datetime):
    return and_(column >= start, column < end)


def ledger_payments(start: datetime, end: datetime) -> list[LedgerEntry]:
    return list(
        db.session.execute(
            select(LedgerEntry)
            .where(
                LedgerEntry.asset == "VND",
                LedgerEntry.destination == ledger.WORLD,
                LedgerEntry.source != ledger.WORLD,
                LedgerEntry.kind.in_(PAYMENT_KINDS),
                ~LedgerEntry.idempotency_key.like("stripe:%"),
                _in_month(LedgerEntry.at, start, end),
                _not_reversed(),
            )
            .order_by(LedgerEntry.seq)
        ).scalars()
    )


def _is_fee(memo: str) -> bool:
    words = set(_WORD_RE.findall(strip_diacritics(memo or "").lower()))
    return bool(words & FEE_WORDS)


def _notified_balance(rows: list[BankTransaction]) -> int | None:
    for row in sorted(rows, key=lambda r: (r.occurred_at, r.id), reverse=True):
        for name in BALANCE_FIELDS:
            value = (row.raw or {}).get(name)
            if isinstance(value, int) and not isinstance(value, bool):
                return value if abs(value) <= AMOUNT_CEILING else None
    return None


def reconcile(month: str, record: BankMonth | None = None) -> Reconciliation:
    """The month's figures and differences, computed from the ledger and the bank rows."""
    start, end = bounds(month)
    account = fund_account_number()
    credits, count = db.session.execute(
        select(func.coalesce(func.sum(LedgerEntry.amount), 0), func.count()).where(
            LedgerEntry.asset == "VND",
            LedgerEntry.kind == "donation",
            LedgerEntry.source == ledger.WORLD,
            LedgerEntry.idempotency_key.like("bank:%"),
            _in_month(LedgerEntry.at, start, end),
            _not_reversed(),
        )
    ).one()
    payments = ledger_payments(start, end)
    in_month = _in_month(BankTransaction.occurred_at, start, end)
    # Only what can make a difference: a matched transfer is in the ledger already.
    rows = list(
        db.session.execute(
            select(BankTransaction)
            .where(
                in_month,
                or_(
                    BankTransaction.status.in_((TxStatus.review, TxStatus.not_donation)),
                    BankTransaction.direction == "out",
                ),
            )
            .order_by(BankTransaction.occurred_at, BankTransaction.id)
        ).scalars()
    )
    latest = db.session.execute(
        select(BankTransaction)
        .where(in_month, BankTransaction.account_number == account)
        .order_by(BankTransaction.occurred_at.desc(), BankTransaction.id.desc())
        .limit(20)
    ).scalars()
    result = Reconciliation(
        month=month,
        opening=record.opening_balance if record is not None else None,
        closing=record.closing_balance if record is not None else None,
        ledger_credits=int(credits),
        ledger_payments=sum(entry.amount for entry in payments),
        credits_count=int(count),
        payments_count=len(payments),
    )
    result.notified_balance = _notified_balance(list(latest))
    unpaired = Counter(entry.amount for entry in payments)
    for row in rows:
        text = row.memo[:160]
        if row.status == TxStatus.review:
            result.waiting += 1
            if row.account_number != account:
                kind = "no_account"
            elif row.maybe_twin_of_id is not None:
                kind = "maybe_twin"
            else:
                kind = "unassigned"
            result.items.append(Item(kind, row.amount, row.occurred_at, text, tx_id=row.id))
        elif row.account_number != account:
            continue
        elif row.status == TxStatus.not_donation:
            result.items.append(
                Item("not_donation", row.amount, row.occurred_at, row.note_text, tx_id=row.id)
            )
        elif row.direction == "out" and row.amount > 0:
            if unpaired[row.amount] > 0:
                unpaired[row.amount] -= 1
                continue
            kind = "fee" if _is_fee(row.memo) else "payment_unrecorded"
            result.items.append(Item(kind, -row.amount, row.occurred_at, text, tx_id=row.id))
    if any(row.direction == "out" and row.account_number == account for row in rows):
        # Only a bank that notifies money out can show a payment missing from it.
        for entry in payments:
            if unpaired[entry.amount] > 0:
                unpaired[entry.amount] -= 1
                result.items.append(
                    Item("payment_unseen", entry.amount, entry.at, entry.ref, seq=entry.seq)
                )
    return result


def month_record(month: str, *, for_update: bool = False) -> BankMonth | None:
    """The month's record, if the treasurer entered its statement."""
    stmt = select(BankMonth).where(BankMonth.month == month)
    if for_update:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return db.session.execute(stmt).scalar_one_or_none()


def save_statement(
    user,
    month: str,
    *,
    opening: int,
    closing: int,
    statement_import_id: int | None,
) -> BankMonth:
    """Record the month's statement: its balances as printed, and which imported file it is."""
    require_role(user, CLOSERS)
    month = parse_month(month)
    record = month_record(month, for_update=True)
    if record is not None and record.closed:
        raise Conflict(_l("Tháng %(month)s đã chốt, không sửa được.", month=month))
    statement = None
    if statement_import_id is not None:
        statement = db.session.get(StatementImport, statement_import_id)
        if statement is None:
            raise DomainError(_l("Không tìm thấy tệp sao kê đã nhập."), field="statement_id")
    if record is None:
        record = BankMonth(month=month, status=MonthStatus.open)
        db.session.add(record)
    before = {
        "opening_balance": record.opening_balance,
        "closing_balance": record.closing_balance,
        "statement_import_id": record.statement_import_id,
    }
    record.opening_balance, record.closing_balance = opening, closing
    record.statement = statement
    record.statement_sha256 = statement.sha256 if statement is not None else ""
    db.session.flush()
    after = {
        "opening_balance": opening,
        "closing_balance": closing,
        "statement_import_id": record.statement_import_id,
    }
    audit.record(
        user,
        "bank_month.statement",
        record,
        _l(
            "Ghi số dư sao kê tháng %(month)s: đầu kỳ %(opening)s, cuối kỳ %(closing)s",
            month=month,
            opening=stored_text.vnd(opening),
            closing=stored_text.vnd(closing),
        ),
        {key: [before[key], after[key]] for key in after if before[key] != after[key]},
    )
    return record


def close_month(user, month: str, *, now: datetime | None = None) -> BankMonth:
    """Close the month once bank and ledger agree; its figures are frozen and published."""
    require_role(user, CLOSERS)
    month = parse_month(month)
    ledger.lock()  # nothing is posted while the figures are compared and frozen
    record = month_record(month, for_update=True)
    if record is None or record.opening_balance is None or record.closing_balance is None:
        raise DomainError(_l("Hãy nhập số dư đầu kỳ và cuối kỳ theo sao kê trước khi chốt."))
    if record.closed:
        raise Conflict(_l("Tháng %(month)s đã chốt.", month=month))
    if record.statement is None:
        raise DomainError(_l("Hãy chọn tệp sao kê của tháng trước khi chốt."))
    _start, end = bounds(month)
    if end > (now or utcnow()):
        raise DomainError(_l("Tháng %(month)s chưa kết thúc.", month=month))
    result = reconcile(month, record)
    if result.waiting:
        raise DomainError(
            _l(
                "Còn %(n)s giao dịch của tháng đang chờ xử lý: hãy xử lý trước khi chốt.",
                n=result.waiting,
            )
        )
    if result.difference != 0:
        raise DomainError(
            _l(
                "Chưa khớp: số dư ngân hàng chênh %(diff)s so với sổ cái. Xem các khoản chênh "
                "lệch bên dưới.",
                diff=stored_text.vnd(result.difference or 0),
            )
        )
    return freeze(record, result, user)


def freeze(record: BankMonth, result: Reconciliation, user) -> BankMonth:
    """Close a balanced month: keep its figures and the statement's hash (audited)."""
    record.status = MonthStatus.closed
    record.ledger_total = result.ledger_total
    record.difference = 0
    record.figures = result.public_figures()
    record.statement_sha256 = record.statement.sha256 if record.statement else ""
    record.closed_at = utcnow()
    record.closed_by_id = getattr(user, "id", None)
    db.session.flush()
    audit.record(
        user,
        "bank_month.close",
        record,
        _l(
            "Chốt đối soát tháng %(month)s: ngân hàng %(bank)s, sổ cái %(ledger)s, chênh lệch 0",
            month=record.month,
            bank=stored_text.vnd(record.closing_balance or 0),
            ledger=stored_text.vnd(result.ledger_total or 0),
        ),
        {"status": [MonthStatus.open.value, MonthStatus.closed.value]},
    )
    return record


def previous_month(month: str) -> str:
    """The month before, as "YYYY-MM"."""
    year, number = (int(part) for part in month.split("-"))
    return f"{year - 1:04d}-12" if number == 1 else f"{year:04d}-{number - 1:02d}"


def suggested_balances(month: str, result: Reconciliation) -> tuple[int | None, int | None]:
    """What to offer before the treasurer types the statement's figures: the opening balance
    is the last month's closing one, the closing balance the month's last notified balance."""
    before = month_record(previous_month(month))
    opening = before.closing_balance if before is not None else None
    return opening, result.notified_balance


def closed_months() -> list[BankMonth]:
    """Closed months, the latest first (the public index)."""
    return list(
        db.session.execute(
            select(BankMonth)
            .where(BankMonth.status == MonthStatus.closed)
            .order_by(BankMonth.month.desc())
        ).scalars()
    )
