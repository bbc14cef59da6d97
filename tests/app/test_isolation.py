"""The suite's own isolation: each test rolled back, each request its own unit of work."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app import uow
from app.extensions import db
from app.ledger import service as ledger
from app.ledger.models import LedgerEntry, LedgerHead
from app.ledger.verify import verify_database
from app.units.models import Unit, UnitKind
from tests.fixtures import database


def _unit(code: str) -> Unit:
    return Unit(code=code, name=f"Đơn vị {code}", kind=UnitKind.district)


@pytest.fixture
def probe_app(make_app):
    """An app with three test-only views: two that write, one of which forgets to commit."""
    other = make_app()

    @other.route("/_probe/forgets-to-commit")
    def forgets():
        db.session.add(_unit("quen-commit"))
        db.session.flush()  # the row exists in this request's transaction…
        return "ok"  # …which ends without a commit

    @other.route("/_probe/commits")
    def commits():
        db.session.add(_unit("co-commit"))
        uow.commit()
        return "ok"

    @other.route("/_probe/posts")
    def posts():
        ledger.post(
            source="world",
            destination="campaign:thu",
            asset="VND",
            amount=5_000,
            kind="donation",
            ref="TSPROBE",
            idempotency_key="probe:request",
        )
        uow.commit()
        return "ok"

    return other


def _codes() -> set[str]:
    db.session.expire_all()
    return set(db.session.execute(select(Unit.code)).scalars())


def test_a_view_that_forgets_to_commit_loses_its_write(probe_app):
    client = probe_app.test_client()
    assert client.get("/_probe/forgets-to-commit").status_code == 200
    assert client.get("/_probe/commits").status_code == 200
    assert _codes() == {"co-commit"}


def test_each_test_starts_from_empty_tables_and_the_base_rows(ctx):
    # Earlier tests in this run committed units, users and ledger entries; none are left.
    assert _codes() == set()
    assert db.session.execute(select(func.count(LedgerEntry.seq))).scalar_one() == 0
    head = db.session.get(LedgerHead, 1)
    assert head.seq == 0


def test_a_commit_here_is_gone_in_the_next_test(ctx):
    db.session.add(_unit("con-lai-khong"))
    db.session.commit()
    assert "con-lai-khong" in _codes()


def test_the_previous_test_left_nothing(ctx):
    assert "con-lai-khong" not in _codes()


def test_the_chain_head_is_read_again_in_each_unit_of_work(probe_app):
    def give(key: str) -> None:
        ledger.post(
            source="world",
            destination="campaign:thu",
            asset="VND",
            amount=1_000,
            kind="donation",
            ref="TSTEST",
            idempotency_key=key,
        )
        uow.commit()

    give("test:1")
    assert probe_app.test_client().get("/_probe/posts").status_code == 200
    give("test:2")  # a head cached by the test's first posting would reuse seq 2
    seqs = list(db.session.execute(select(LedgerEntry.seq).order_by(LedgerEntry.seq)).scalars())
    assert seqs == [1, 2, 3]
    assert verify_database().ok
    assert ledger.balance("campaign:thu", "VND") == 7_000


def test_requests_share_the_tests_connection(client, units):
    connection = database.current_connection()
    assert connection is not None and connection.in_transaction()
    assert client.get("/").status_code == 200
    assert connection.in_transaction()  # the request did not end the test's transaction


def test_query_count_counts_a_requests_statements(client, units, query_count):
    with query_count() as counted:
        client.get("/healthz")
    assert counted.count >= 1
    assert not any(s.upper().startswith(("SAVEPOINT", "RELEASE")) for s in counted.statements)
