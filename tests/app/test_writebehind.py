"""Write-behind (app/writebehind.py): statements queued in a window go out with the commit.

On PostgreSQL the queue is one pipeline sent at the commit (or before a savepoint, a flush, or
the next statement once the window is closed); on SQLite a window changes nothing. Either way
what is stored, and what a failure leaves behind, must be what running each statement at once
gives.
"""

from __future__ import annotations

from contextlib import nullcontext

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import uow, writebehind
from app.extensions import db
from app.jobs.models import JobRun
from app.jobs.queue import INSERT_RUN as _RUNS
from app.jobs.queue import run_row
from tests.fixtures.app import _is_postgres
from tests.fixtures.donations import move

POSTGRES = _is_postgres()


def run(job_id: str) -> dict:
    return run_row(job_id, "test.writebehind", [job_id])


def stored(*ids: str) -> list[str]:
    db.session.expire_all()
    found = db.session.execute(select(JobRun.id).where(JobRun.id.in_(ids)).order_by(JobRun.id))
    return list(found.scalars())


def test_a_window_holds_its_statements_until_the_commit(ctx, query_count):
    with query_count() as counted, uow.transaction(), writebehind.window():
        writebehind.execute(_RUNS, run("wb-1"))
        writebehind.execute(_RUNS, [run("wb-2"), run("wb-3")])
        sent_inside = counted.count
    assert stored("wb-1", "wb-2", "wb-3") == ["wb-1", "wb-2", "wb-3"]
    # PostgreSQL: none went through SQLAlchemy one by one (one pipeline at the commit);
    # SQLite: each ran at once, as without a window (the two rows as one executemany).
    assert sent_inside == (0 if POSTGRES else 2)


def test_a_closed_window_sends_its_queue_before_the_next_statement(ctx):
    with uow.transaction():
        with writebehind.window():
            writebehind.execute(_RUNS, run("wb-next"))
        # Read in the same transaction, after the window: the row is there.
        assert db.session.get(JobRun, "wb-next").args == ["wb-next"]


def test_a_failing_queued_statement_fails_the_commit_and_keeps_nothing(ctx):
    with uow.transaction():
        writebehind.execute(_RUNS, run("wb-taken"))
    with pytest.raises(IntegrityError), uow.transaction(), writebehind.window():
        writebehind.execute(_RUNS, run("wb-fresh"))
        writebehind.execute(_RUNS, run("wb-taken"))  # the same key again
    assert stored("wb-fresh", "wb-taken") == ["wb-taken"]
    # The session is usable again after the failed commit.
    with uow.transaction():
        writebehind.execute(_RUNS, run("wb-after"))
    assert stored("wb-after") == ["wb-after"]


def test_a_savepoint_rolled_back_undoes_only_what_was_queued_inside_it(ctx):
    with uow.transaction(), writebehind.window():
        writebehind.execute(_RUNS, run("wb-outer"))
        nested = db.session.begin_nested()
        writebehind.execute(_RUNS, run("wb-inner"))
        nested.rollback()
    assert stored("wb-outer", "wb-inner") == ["wb-outer"]


def test_a_rollback_forgets_the_queue(ctx):
    with pytest.raises(RuntimeError), uow.transaction(), writebehind.window():
        writebehind.execute(_RUNS, run("wb-dropped"))
        raise RuntimeError("the request failed")
    with uow.transaction():
        writebehind.execute(_RUNS, run("wb-later"))
    assert stored("wb-dropped", "wb-later") == ["wb-later"]


def test_reserved_ids_are_used_only_inside_a_window(ctx):
    """Outside a window an insert gets its id from RETURNING; inside, the reserved one."""
    from app import mail
    from app.mail_models import OutboxMail

    with uow.transaction():
        writebehind.reserve_ids("mail_outbox")
        outside = mail.queue_rendered_id("receipt", to="a@example.org", payload={"receipt_id": 1})
        with writebehind.window():
            inside = mail.queue_rendered_id(
                "receipt", to="b@example.org", payload={"receipt_id": 2}
            )
    rows = {m.id: m.to for m in db.session.execute(select(OutboxMail)).scalars()}
    assert rows[outside] == "a@example.org" and rows[inside] == "b@example.org"
    if POSTGRES:
        assert inside < outside  # taken by reserve_ids, before the RETURNING one


@pytest.mark.skipif(not POSTGRES, reason="write-behind queues only on PostgreSQL")
def test_a_credit_written_behind_stores_what_the_orm_path_stores(
    client, app, monkeypatch, make_bank_pledge, campaign
):
    """The same notification credited with and without write-behind: every row equal but
    for ids, times and the pledge's own values."""
    from donations.bank.models import BankTransaction
    from donations.models import Donation
    from donations.receipts.models import Receipt
    from tests.fixtures.donations import SEPAY_KEY, post_sepay, sepay_body
    from transparency.statement.models import StatementRow

    monkeypatch.setitem(app.config, "SEPAY_API_KEY", SEPAY_KEY)

    def credit(reference: str):
        pledge = make_bank_pledge(campaign, amount=150_000, email="x@example.org")
        body = sepay_body(pledge.reference, 150_000, reference=reference)
        assert post_sepay(client, body).status_code == 200
        db.session.expire_all()
        tx = db.session.execute(
            select(BankTransaction).where(BankTransaction.bank_reference == reference)
        ).scalar_one()
        donation = db.session.get(Donation, tx.donation_id)
        receipt = db.session.execute(
            select(Receipt).where(Receipt.donation_id == donation.id)
        ).scalar_one()
        index = db.session.get(StatementRow, donation.ledger_seq)
        return pledge, tx, donation, receipt, index

    behind = credit("FTWB1")
    monkeypatch.setattr(writebehind, "window", nullcontext)
    direct = credit("FTWB2")

    def columns(row, *skip):
        left_out = {"id", "received_at", "created_at", "issued_at", "at", "seq", "ledger_seq"}
        return {
            c.key: getattr(row, c.key)
            for c in row.__table__.columns
            if c.key not in left_out | set(skip)
        }

    (p1, tx1, d1, r1, i1), (p2, tx2, d2, r2, i2) = behind, direct
    mine = ("provider_id", "memo", "bank_reference", "raw", "dedupe_key", "twin_key")
    assert tx1.status == tx2.status and tx1.pledge_id == p1.id and tx2.pledge_id == p2.id
    assert columns(tx1, "pledge_id", "donation_id", "occurred_at", *mine) == columns(
        tx2, "pledge_id", "donation_id", "occurred_at", *mine
    )
    same_donation = ("pledge_id", "provider_ref")
    assert columns(d1, *same_donation) == columns(d2, *same_donation)
    own = ("number", "donation_id", "pledge_id", "reference", "donor_name")
    assert columns(r1, *own) == columns(r2, *own)
    assert r1.ledger_seq == d1.ledger_seq and r2.ledger_seq == d2.ledger_seq
    assert columns(i1, "ref_key", "bank_key", "name_key") == columns(
        i2, "ref_key", "bank_key", "name_key"
    )
    assert i1.bank_key == "FTWB1" and i2.bank_key == "FTWB2"


def test_credits_written_behind_then_a_checked_posting_see_exact_balances(
    ctx, campaign, make_campaign
):
    """Credits from `world` in a window move both balances by queued increments (the new
    campaign's row made by the first); a posting that must check a balance, later in the
    same transaction, reads it only after they are sent."""
    from app.ledger import service as ledger

    other = make_campaign("khac-wb")
    fresh = make_campaign("moi-wb")  # no balance row yet

    before = ledger.balance("world")
    with uow.transaction(), writebehind.window():
        move("world", fresh.account, 300_000, "wb:c1", new=True)
        move("world", fresh.account, 200_000, "wb:c2", new=True)
        move("world", campaign.account, 50_000, "wb:c3", new=True)
        with pytest.raises(ledger.InsufficientFunds):
            move(fresh.account, other.account, 500_001, "wb:r0")
        move(fresh.account, other.account, 500_000, "wb:r1")
        move(
            "world", fresh.account, 10_000, "wb:c4", new=True
        )  # its rows are read now: the usual way
    row = ledger.balances(fresh.account)["VND"]
    assert (row.balance, row.total_in, row.total_out) == (10_000, 510_000, 500_000)
    assert ledger.balance(other.account) == 500_000
    assert ledger.balance("world") == before - 560_000
    world = ledger.balances("world")["VND"]
    assert world.total_out - world.total_in == -world.balance


def test_without_pipeline_mode_a_window_runs_statements_at_once(ctx, monkeypatch):
    """A libpq too old for pipeline mode: nothing is queued, everything runs as before."""
    monkeypatch.setattr(writebehind, "_pipelined", lambda _connection: False)
    with uow.transaction(), writebehind.window():
        writebehind.reserve_ids("mail_outbox")  # takes nothing either
        writebehind.execute(_RUNS, run("wb-plain"))
        assert not writebehind.is_open() and not writebehind.pending(db.session)
        assert db.session.get(JobRun, "wb-plain") is not None
    assert stored("wb-plain") == ["wb-plain"]
