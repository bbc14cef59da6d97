"""Totals of a statement filter from the pre-aggregated tables are exactly the rows' own sums:
for many random filters, above and below the watermark, after new postings, after a reindex,
and when two catch-ups run at once."""

from __future__ import annotations

import random
import threading
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from app import uow
from app.dbtypes import VN_TZ
from app.extensions import db
from app.ledger import service as ledger
from app.ledger.models import LedgerEntry
from transparency.statement import aggregates, bulk, indexing, services
from transparency.statement.filters import Filters
from transparency.statement.models import StatementRow, TotalsByAmount, TotalsByDay, TotalsState
from transparency.statement.services import Totals

KINDS = ("donation", "in_kind", "fee", "allocation", "disbursement", "purchase", "expense")
KINDS += ("reallocation", "refund")


def _post(source: str, destination: str, amount: int, kind: str, at: datetime, key: str):
    return ledger.post(
        source=source,
        destination=destination,
        asset="VND",
        amount=amount,
        kind=kind,
        ref=f"TST{key}",
        idempotency_key=f"test:totals:{key}",
        at=at,
    ).entry


def _edges(tag: str) -> None:
    """Entries on either side of a Vietnam midnight, and reallocations (campaign_to)."""
    funds, rice = "campaign:bulk-quy-chung", "campaign:bulk-hu-gao-2025"
    for i, at in enumerate(
        (
            datetime(2025, 6, 1, 16, 59, 59, tzinfo=UTC),  # 23:59:59 on 1 June in Vietnam
            datetime(2025, 6, 1, 17, 0, 0, tzinfo=UTC),  # 00:00 on 2 June in Vietnam
            datetime(2025, 6, 2, 16, 59, 59, tzinfo=UTC),
        )
    ):
        _post("world", funds, 100_000 + i, "donation", at, f"{tag}g{i}")
        _post(funds, rice, 30_000 + i, "reallocation", at, f"{tag}r{i}")


@pytest.fixture
def seeded(app, units):
    """A realistic ledger (every kind of entry, two years of days), indexed and summed."""
    bulk.build(1200, seed=5, chunk=600, checkpoint=db.session.commit)
    indexing.catch_up_bulk()
    _edges("a")
    aggregates.catch_up()
    db.session.commit()


def _expected(filters: Filters) -> Totals:
    """The filter applied to every index row in Python: what the totals must be."""
    count, by_asset = 0, {}
    for r in db.session.execute(select(StatementRow)).scalars():
        day = r.at.astimezone(VN_TZ).date()
        if (
            (filters.campaign and filters.campaign not in (r.campaign, r.campaign_to))
            or (filters.kind and r.kind != filters.kind)
            or (filters.asset and r.asset != filters.asset)
            or (filters.min is not None and r.amount < filters.min)
            or (filters.max is not None and r.amount > filters.max)
            or (filters.date_from and day < filters.date_from)
            or (filters.date_to and day > filters.date_to)
        ):
            continue
        count += 1
        by_asset[r.asset] = by_asset.get(r.asset, 0) + r.amount
    return Totals(count, by_asset)


def _random_filters(rng: random.Random, n: int) -> list[Filters]:
    amounts = sorted(set(db.session.execute(select(StatementRow.amount)).scalars()))
    campaigns = sorted(set(db.session.execute(select(StatementRow.campaign)).scalars()))
    out = [Filters(), Filters(date_from=date(2025, 6, 2), date_to=date(2025, 6, 2))]
    while len(out) < n:
        args: dict = {}
        if rng.random() < 0.5:
            args["campaign"] = rng.choice([*campaigns, "khong-co"])
        if rng.random() < 0.3:
            args["kind"] = rng.choice(KINDS)
        if rng.random() < 0.3:
            args["asset"] = rng.choice(("VND", "RICE_G", "BICYCLE"))
        if rng.random() < 0.5:
            low = rng.choice(amounts) + rng.choice((-1, 0, 0, 1))
            args["min"] = max(low, 1)
            if rng.random() < 0.7:
                args["max"] = args["min"] + rng.choice((0, 1, 50_000, 1_000_000, 10**9))
        elif rng.random() < 0.8:
            start = date(2024, 12, 25) + timedelta(days=rng.randrange(760))
            args["date_from"] = start
            if rng.random() < 0.8:
                args["date_to"] = start + timedelta(days=rng.choice((0, 1, 6, 30, 365)))
            if rng.random() < 0.2:
                args.pop("date_from")
        out.append(Filters(**args))
    return out


def _assert_exact(filters_list: list[Filters]) -> None:
    for filters in filters_list:
        assert aggregates.table_for(filters) is not None, filters
        assert services.totals(filters) == _expected(filters), filters


def test_random_filters_total_exactly_what_the_rows_add_up_to(seeded, monkeypatch):
    filters_list = _random_filters(random.Random(11), 150)
    summed = db.session.execute(select(TotalsState.upto)).scalar_one()
    assert summed == indexing.indexed_upto(db.session.connection())  # all from the tables
    _assert_exact(filters_list)
    # The scan the totals replace (still used for searches) agrees with the same reference.
    monkeypatch.setattr(aggregates, "table_for", lambda _f: None)
    for filters in filters_list[:40]:
        assert services.totals(filters) == _expected(filters), filters


def test_entries_above_the_watermark_are_read_from_the_index(seeded):
    before = db.session.execute(select(TotalsState.upto)).scalar_one()
    _edges("b")  # through the ORM: indexed at once, not summed
    bulk.build(300, seed=6, chunk=300, checkpoint=db.session.commit)  # past the ORM
    indexing.catch_up()
    db.session.commit()
    assert db.session.execute(select(TotalsState.upto)).scalar_one() == before
    filters_list = _random_filters(random.Random(12), 80)
    _assert_exact(filters_list)
    added = aggregates.catch_up()
    assert added == indexing.indexed_upto(db.session.connection()) - before
    assert aggregates.catch_up() == 0  # nothing twice
    _assert_exact(filters_list)


def test_a_database_that_never_summed_is_read_whole_from_the_index(seeded):
    db.session.execute(TotalsByDay.__table__.delete())
    db.session.execute(TotalsByAmount.__table__.delete())
    db.session.execute(TotalsState.__table__.delete())
    _assert_exact(_random_filters(random.Random(13), 30))
    assert aggregates.catch_up() > 0
    _assert_exact(_random_filters(random.Random(14), 30))


def test_the_page_catches_up_only_when_far_behind(client, seeded, monkeypatch):
    _edges("c")
    db.session.commit()
    top = indexing.indexed_upto(db.session.connection())
    html = client.get("/sao-ke?campaign=bulk-hu-gao-2025").get_data(as_text=True)
    assert db.session.execute(select(TotalsState.upto)).scalar_one() < top  # LAG not reached
    expected = _expected(Filters(campaign="bulk-hu-gao-2025")).count
    assert f">{expected} bút toán<" in html
    monkeypatch.setattr(aggregates, "LAG", 3)
    client.get("/sao-ke?campaign=bulk-hu-gao-2025")
    db.session.expire_all()
    assert db.session.execute(select(TotalsState.upto)).scalar_one() == top


def test_totals_on_the_page_and_unfiltered(client, seeded):
    count = db.session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one()
    assert services.totals(Filters()).count == count
    html = client.get("/sao-ke").get_data(as_text=True)
    assert f">{count} bút toán<" in html


def test_reindex_rebuilds_the_totals(app, seeded):
    # Tables that went wrong (a restore, a bug): the reindex sums the index again.
    db.session.execute(update(TotalsByDay).values(total=1, entries=1))
    db.session.execute(TotalsByAmount.__table__.delete())
    db.session.execute(update(TotalsState).values(upto=5))
    db.session.commit()
    out = app.test_cli_runner().invoke(args=["statement", "reindex"])
    assert out.exit_code == 0, out.output
    db.session.expire_all()
    top = indexing.indexed_upto(db.session.connection())
    assert db.session.execute(select(TotalsState.upto)).scalar_one() == top
    _assert_exact(_random_filters(random.Random(15), 60))


def test_filters_the_tables_cannot_answer_are_scanned():
    assert aggregates.table_for(Filters(q="nguyen")) is None
    assert aggregates.table_for(Filters(account="campaign:x")) is None
    both = Filters(min=1, date_from=date(2025, 1, 1))
    assert aggregates.table_for(both) is None
    assert aggregates.table_for(Filters(min=1, campaign="x")) is TotalsByAmount
    assert aggregates.table_for(Filters(date_to=date(2025, 1, 1))) is TotalsByDay
    assert aggregates.table_for(Filters(campaign="x", kind="fee")) is TotalsByAmount
    assert aggregates.table_for(Filters()) is TotalsByAmount


@pytest.mark.commits
@pytest.mark.parametrize("migrated", [True, False], ids=["watermark-row", "no-watermark-row"])
def test_concurrent_catch_ups_do_not_count_twice(app, units, monkeypatch, migrated):
    bulk.build(400, seed=8, chunk=400, checkpoint=db.session.commit)
    indexing.catch_up_bulk()
    if migrated:  # as the migration leaves it; else both race to create the row
        db.session.add(TotalsState(id=1, upto=0))
    db.session.commit()
    top = indexing.indexed_upto(db.session.connection())
    real, entered = aggregates.add_range, threading.Event()

    def paused(*args, **kwargs):
        real(*args, **kwargs)
        if not entered.is_set():
            entered.set()
            time.sleep(0.8)  # the second catch-up arrives while this one holds the lock

    monkeypatch.setattr(aggregates, "add_range", paused)
    results: dict[str, object] = {}

    def run(name: str) -> None:
        try:
            with app.app_context():
                with uow.transaction():
                    results[name] = aggregates.catch_up()
                db.session.remove()
        except BaseException as err:  # reported in the test's thread
            results[name] = err

    first = threading.Thread(target=run, args=("first",))
    first.start()
    assert entered.wait(60)
    second = threading.Thread(target=run, args=("second",))
    second.start()
    first.join(60)
    second.join(60)
    assert results == {"first": top, "second": 0}
    db.session.expire_all()
    assert db.session.execute(select(TotalsState.upto)).scalar_one() == top
    entries = db.session.execute(select(func.sum(TotalsByDay.entries))).scalar_one()
    assert entries == top == db.session.execute(select(func.sum(TotalsByAmount.entries))).scalar()
    _assert_exact(_random_filters(random.Random(16), 40))
