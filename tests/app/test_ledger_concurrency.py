"""Concurrent posting keeps the chain linear, collapses duplicates and overdraws nothing."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlalchemy import select

from app import uow
from app.extensions import db
from app.ledger import service as ledger
from app.ledger.models import AccountBalance, LedgerEntry
from app.ledger.verify import verify_database

# Threads commit on connections of their own.
pytestmark = pytest.mark.commits

THREADS = 8
PER_THREAD = 200


def _worker(
    app, number: int, barrier: threading.Barrier, outcome: Counter, lock: threading.Lock
) -> None:
    with app.app_context():
        barrier.wait()
        for i in range(PER_THREAD):
            if i % 10 == 0:
                # Every thread posts this one at about the same moment: it must count once.
                args = dict(
                    source="world",
                    destination="campaign:chung",
                    amount=7_000,
                    kind="donation",
                    key=f"shared:{i}",
                )
            elif i % 3 == 0:
                # Spending races against giving: some must be refused, none may overdraw.
                args = dict(
                    source="campaign:chung",
                    destination="student:HS-X",
                    amount=9_000,
                    kind="allocation",
                    key=f"t{number}:{i}",
                )
            else:
                args = dict(
                    source="world",
                    destination="campaign:chung",
                    amount=1_000 + number,
                    kind="donation",
                    key=f"t{number}:{i}",
                )
            key = args.pop("key")
            try:
                posting = ledger.post(asset="VND", ref=key, idempotency_key=key, **args)
                uow.commit()
                result = "created" if posting.created else "duplicate"
            except ledger.InsufficientFunds:
                uow.rollback()
                result = "refused"
            except Exception:  # a unique-key race the lock should prevent: count it as a failure
                uow.rollback()
                result = "error"
            with lock:
                outcome[result] += 1
        db.session.remove()


def test_eight_threads_two_hundred_postings_each(ctx, app):
    outcome: Counter = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(THREADS)
    threads = [
        threading.Thread(target=_worker, args=(app, n, barrier, outcome, lock))
        for n in range(THREADS)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads)
    assert outcome["error"] == 0, outcome
    assert sum(outcome.values()) == THREADS * PER_THREAD

    db.session.expire_all()
    seqs = list(db.session.execute(select(LedgerEntry.seq).order_by(LedgerEntry.seq)).scalars())
    assert seqs == list(range(1, len(seqs) + 1))  # contiguous, no gaps
    assert len(seqs) == outcome["created"]
    shared = (
        db.session.execute(
            select(LedgerEntry.idempotency_key).where(LedgerEntry.idempotency_key.like("shared:%"))
        )
        .scalars()
        .all()
    )
    assert sorted(shared) == sorted({f"shared:{i}" for i in range(0, PER_THREAD, 10)})
    assert outcome["duplicate"] == (THREADS - 1) * len(shared)
    for row in db.session.execute(select(AccountBalance)).scalars():
        assert row.account == "world" or row.balance >= 0, row.account
    result = verify_database()
    assert result.ok, result.summary()
