"""Demo data: November 2026 of the fund's account, reconciled at zero and closed.

The bank's side is built as the bank would print it: the money out of the month (one "out"
notification per payment the ledger made), an opening balance, and the closing balance the
statement shows; the reconciliation then compares it with the ledger and closes the month.
Idempotent: nothing is done once the month exists.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from sqlalchemy import select

from app.extensions import db
from donations.bank import reconciliation
from donations.bank.matching import Incoming, Matcher
from donations.bank.models import BankTransaction, StatementImport, TxStatus
from donations.bank.month_models import BankMonth

DEMO_MONTH = "2026-11"
DEMO_OPENING = 48_500_000
COUNTED = (TxStatus.matched, TxStatus.assigned, TxStatus.not_donation)


def seed(echo: Callable[[str], None]) -> None:
    """Create and close the demo month once; flushes, the caller commits."""
    if reconciliation.month_record(DEMO_MONTH) is not None:
        return
    start, end = reconciliation.bounds(DEMO_MONTH)
    matcher = Matcher()
    for entry in reconciliation.ledger_payments(start, end):
        matcher.receive(
            Incoming(
                provider="sepay",
                provider_id=f"demo-out-{entry.idempotency_key}"[:100],
                amount=entry.amount,
                occurred_at=entry.at,
                memo=f"CHI {entry.ref}",
                account_number=matcher.account,
                direction="out",
                raw={"demo": True},
            )
        )
    rows = list(
        db.session.execute(
            select(BankTransaction)
            .where(
                BankTransaction.occurred_at >= start,
                BankTransaction.occurred_at < end,
                BankTransaction.account_number == matcher.account,
            )
            .order_by(BankTransaction.occurred_at, BankTransaction.id)
        ).scalars()
    )
    balance = DEMO_OPENING
    lines = ["Ngay;So tien ghi no;So tien ghi co;So du;Noi dung"]
    for row in rows:
        if row.direction == "out":
            balance -= row.amount
            lines.append(f"{row.occurred_at:%d/%m/%Y};{row.amount};;{balance};{row.memo}")
        elif row.status in COUNTED:
            balance += row.amount
            lines.append(f"{row.occurred_at:%d/%m/%Y};;{row.amount};{balance};{row.memo}")
    content = "\n".join(lines).encode()
    statement = StatementImport(
        filename=f"sao-ke-demo-{DEMO_MONTH}.csv",
        sha256=hashlib.sha256(content).hexdigest(),
        rows=len(lines) - 1,
    )
    db.session.add(statement)
    record = BankMonth(
        month=DEMO_MONTH,
        opening_balance=DEMO_OPENING,
        closing_balance=balance,
        statement=statement,
    )
    db.session.add(record)
    db.session.flush()
    result = reconciliation.reconcile(DEMO_MONTH, record)
    if not result.balances:
        echo(f"bank: demo month {DEMO_MONTH} does not reconcile ({result.difference}), left open")
        return
    reconciliation.freeze(record, result, None)
    echo(f"bank: demo month {DEMO_MONTH} reconciled at zero and closed")
