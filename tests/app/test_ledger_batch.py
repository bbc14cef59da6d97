"""Batch posting: the same chain as one-by-one posting, idempotent, all or nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.ledger import service as ledger
from app.ledger.batch import Movement, post_many
from app.ledger.models import LedgerEntry
from app.ledger.verify import verify_database

AT = datetime(2026, 11, 1, 8, 30, 15, tzinfo=UTC)


def movements() -> list[Movement]:
    """Gifts to two campaigns, an allocation out of one, a rice gift: a mixed batch."""
    gifts = [
        Movement(
            source="world",
            destination=f"campaign:{'hoc-bong' if n % 3 else 'hu-gao'}",
            asset="VND",
            amount=100_000 + n * 1_000,
            kind="donation",
            ref=f"TSBATCH{n:03d}",
            idempotency_key=f"bank:statement:{n}",
            label="Nguyễn Văn Mẫu" if n % 2 else "",
            at=AT + timedelta(minutes=n),
        )
        for n in range(40)
    ]
    return [
        *gifts,
        Movement(
            source="campaign:hoc-bong",
            destination="student:HS-7Q2K9",
            asset="VND",
            amount=500_000,
            kind="allocation",
            ref="RD-1",
            idempotency_key="alloc:1",
            at=AT + timedelta(hours=2),
        ),
        Movement(
            source="world",
            destination="campaign:hu-gao",
            asset="RICE_G",
            amount=25_000,
            kind="in_kind",
            ref="Hồ",
            idempotency_key="in_kind:1",
            at=AT + timedelta(hours=3),
        ),
    ]


def chain() -> list[tuple]:
    return list(
        db.session.execute(
            select(
                LedgerEntry.seq, LedgerEntry.prev_hash, LedgerEntry.hash, LedgerEntry.label
            ).order_by(LedgerEntry.seq)
        )
    )


def balances() -> dict:
    return {
        (account, asset): ledger.balance(account, asset)
        for account in ("world", "campaign:hoc-bong", "campaign:hu-gao", "student:HS-7Q2K9")
        for asset in ("VND", "RICE_G")
    }


@pytest.fixture
def earlier(ctx):
    """One entry already in the ledger, so the batch starts mid-chain."""
    ledger.post(**vars(movements()[0]) | {"idempotency_key": "first"})
    db.session.commit()


def _run(one_by_one: bool) -> tuple:
    if one_by_one:
        for m in movements():
            ledger.post(**vars(m))
    else:
        posted = post_many(movements())
        assert all(p.created for p in posted)
        assert [p.seq for p in posted] == list(range(2, 2 + len(movements())))
    db.session.flush()
    return chain(), balances(), ledger.head()


def test_a_batch_gives_the_same_hashes_as_posting_one_by_one(earlier):
    singles = _run(one_by_one=True)
    db.session.rollback()  # back to the ledger with its one earlier entry
    assert ledger.head()[0] == 1
    batched = _run(one_by_one=False)
    assert batched == singles
    assert batched[2][0] == 43 and batched[1][("campaign:hu-gao", "RICE_G")] == 25_000
    db.session.commit()
    assert verify_database().ok


def test_a_batch_run_again_posts_nothing_new(earlier):
    first = post_many(movements())
    db.session.commit()
    head = ledger.head()
    again = post_many(movements())
    db.session.commit()
    assert [(p.seq, p.hash) for p in again] == [(p.seq, p.hash) for p in first]
    assert not any(p.created for p in again)
    assert ledger.head() == head
    assert db.session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one() == 43


def test_the_same_key_twice_in_one_batch_is_one_entry(earlier):
    gift = movements()[1]
    posted = post_many([gift, gift])
    assert posted[0].seq == posted[1].seq and posted[0].hash == posted[1].hash
    assert [p.created for p in posted] == [True, False]
    assert ledger.balance("campaign:hoc-bong") == gift.amount


def test_a_key_reused_for_another_movement_refuses_the_whole_batch(earlier):
    gifts = movements()[1:4]
    clash = Movement(**vars(gifts[0]) | {"amount": 1})
    with pytest.raises(ledger.IdempotencyConflict):
        post_many([*gifts, clash])
    db.session.rollback()
    assert ledger.head()[0] == 1


def test_a_batch_that_would_overdraw_posts_nothing(earlier):
    before = balances()
    gifts = movements()[1:3]  # 101.000 + 102.000 into campaign:hoc-bong
    too_much = Movement(
        source="campaign:hoc-bong",
        destination="student:HS-7Q2K9",
        asset="VND",
        amount=gifts[0].amount + gifts[1].amount + 1,
        kind="allocation",
        ref="RD-2",
        idempotency_key="alloc:2",
    )
    with pytest.raises(ledger.InsufficientFunds) as refused:
        post_many([*gifts, too_much])
    assert "không đủ số dư" in str(refused.value.message)
    db.session.rollback()
    assert ledger.head()[0] == 1 and balances() == before
    # Exactly enough is fine, and the balance ends at zero.
    exact = Movement(**vars(too_much) | {"amount": too_much.amount - 1})
    post_many([*gifts, exact])
    assert ledger.balance("campaign:hoc-bong") == 0


@pytest.mark.parametrize(
    "change",
    [{"amount": 0}, {"amount": 1.5}, {"source": "bank"}, {"kind": "gift"}, {"asset": "GOLD"}],
)
def test_bad_movements_are_refused_before_anything_is_written(earlier, change):
    bad = Movement(**vars(movements()[1]) | change)
    with pytest.raises(ledger.LedgerError):
        post_many([movements()[2], bad])
    db.session.rollback()
    assert ledger.head()[0] == 1


def test_batches_and_single_postings_mix_in_one_transaction(earlier):
    ms = movements()
    ledger.post(**vars(ms[1]))
    post_many(ms[2:10])
    ledger.post(**vars(ms[10]))
    post_many(ms[11:20])
    db.session.commit()
    assert ledger.head()[0] == 20
    assert verify_database().ok
    assert ledger.balance("world") == -sum(m.amount for m in [ms[0], *ms[1:20]])
