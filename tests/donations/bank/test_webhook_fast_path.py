"""The credited webhook's short path: few statements, nothing looked up twice, the same result.

A SePay notification that pays a pledge does its look-ups before the ledger's chain lock and
writes with few statements under it; these tests hold it to that and check that the shortcuts
(no key look-ups for a report proven new, the pledge moved by a conditional UPDATE) keep every
result of the long way.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.ledger import service as ledger
from app.ledger.models import LedgerEntry
from donations.pledges.models import Pledge, PledgeStatus
from donations.receipts.models import Receipt
from donations.recording import record_donation
from tests.fixtures.app import _is_postgres
from tests.fixtures.donations import SEPAY_KEY, move, post_sepay, sepay_body

# Statements of one credited SePay notification (23 before the short path): the stored copy
# and the pledge before the lock; under it the head, twins, balances, the balance rows (one
# executemany), head, pledge, entry, its index row, donation, receipt number, receipt, mail,
# job run, bank row and its index link. (BEGIN IMMEDIATE on SQLite is not counted.)
BUDGET = 17
# On PostgreSQL the rows nobody reads back wait for the commit and go with it in one pipeline
# (app/writebehind.py), not counted here: the stored copy, the pledge and the reserved ids
# before the lock; the head, twins, balances, pledge and receipt number under it.
BUDGET_POSTGRES = 8


@pytest.fixture(autouse=True)
def keys(app, monkeypatch):
    monkeypatch.setitem(app.config, "SEPAY_API_KEY", SEPAY_KEY)


def test_a_credited_notification_keeps_to_its_statement_budget(
    client, query_count, make_bank_pledge, campaign
):
    warm = make_bank_pledge(campaign, amount=100_000)
    assert post_sepay(client, sepay_body(warm.reference, 100_000)).status_code == 200
    pledge = make_bank_pledge(campaign, amount=200_000, email="a@example.org")
    body = sepay_body(pledge.reference, 200_000)
    with query_count() as counted:
        response = post_sepay(client, body)
    assert response.status_code == 200 and response.get_json() == {"success": True}
    # In tests the receipt's mail job runs at once, after the commit: not the request's own.
    job = next(i for i, s in enumerate(counted.statements) if "FROM job_runs" in s)
    mine = counted.statements[:job]
    budget = BUDGET_POSTGRES if _is_postgres() else BUDGET
    assert len(mine) <= budget, "\n".join(s[:90] for s in mine)
    db.session.refresh(pledge)
    assert pledge.received == 200_000 and pledge.status == PledgeStatus.paid
    receipt = db.session.execute(select(Receipt).where(Receipt.pledge_id == pledge.id)).scalar_one()
    assert receipt.amount == 200_000 and receipt.email == "a@example.org"


def test_a_pledge_paid_meanwhile_is_read_again_under_the_lock(ctx, make_bank_pledge, campaign):
    """The pledge was loaded before another transfer for it committed: the conditional UPDATE
    misses, the row is read again, and both transfers count."""
    pledge = make_bank_pledge(campaign, amount=300_000)
    assert pledge.received == 0
    db.session.execute(  # the other transfer, written behind the loaded object's back
        update(Pledge)
        .where(Pledge.id == pledge.id)
        .values(received=100_000, status=PledgeStatus.partial)
        .execution_options(synchronize_session=False)
    )
    assert pledge.received == 0  # stale
    record_donation(
        campaign=campaign,
        amount=200_000,
        provider="sepay",
        provider_ref="sepay:stale-1",
        idempotency_key="bank:sepay:stale-1",
        pledge=pledge,
        new=True,
    )
    db.session.expire_all()
    assert pledge.received == 300_000 and pledge.status == PledgeStatus.paid


def test_a_key_said_new_but_used_is_still_refused(ctx, campaign):
    """`new=True` skips the look-up, not the unique key: a second entry cannot slip in."""
    movement = dict(
        source="world",
        destination=campaign.account,
        asset="VND",
        amount=50_000,
        kind="donation",
        ref="TSX",
        idempotency_key="bank:sepay:twice",
    )
    ledger.post(**movement)
    with pytest.raises(IntegrityError):
        ledger.post(**movement, new=True)
    db.session.rollback()
    keys = db.session.execute(
        select(LedgerEntry.idempotency_key).where(LedgerEntry.idempotency_key == "bank:sepay:twice")
    ).all()
    assert len(keys) <= 1


def test_balances_and_head_written_plainly_stay_exact(ctx, campaign, make_campaign):
    """Balance rows and the head written by plain UPDATEs: later postings of the transaction
    see the right figures (a refusal included), and the head is the last entry's hash."""
    other = make_campaign("khac")

    move("world", campaign.account, 500_000, "t:1")
    move(campaign.account, other.account, 200_000, "t:2")
    with pytest.raises(ledger.InsufficientFunds):
        move(campaign.account, other.account, 300_001, "t:3")
    move("world", campaign.account, 100_000, "t:4")
    db.session.commit()
    row = ledger.balances(campaign.account)["VND"]
    assert (row.balance, row.total_in, row.total_out) == (400_000, 600_000, 200_000)
    assert ledger.balance(other.account) == 200_000
    assert ledger.balance("world") == -600_000
    seq, digest = ledger.head()
    last = db.session.execute(select(LedgerEntry).order_by(LedgerEntry.seq.desc())).scalars()
    assert digest == next(last).hash and seq >= 3
