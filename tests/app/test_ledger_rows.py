"""Driver-level bulk writes (app/ledger/rows.py): the same stored values as a Core insert."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from app.dbtypes import VN_TZ
from app.extensions import db
from app.ledger.batch import table_of
from app.ledger.rows import _literal, among, insert_rows, rows_by_key, update_rows
from donations.bank.models import BankTransaction, TxStatus

AT = datetime(2026, 11, 3, 0, 0, tzinfo=VN_TZ)
COLUMNS = ("provider", "provider_id", "amount", "occurred_at", "dedupe_key", "status", "raw")


def _row(n: int, provider: str = "statement") -> tuple:
    return (
        provider,
        f"id-{n}",
        100_000 + n,
        AT + timedelta(days=n % 3),
        f"0011|2026-11-0{3 + n % 3}|{100_000 + n}",
        TxStatus.review.value if n % 2 else TxStatus.matched.value,
        {"Nội dung": f"ủng hộ {n}", "_line": n} if n % 4 else {},
    )


def _stored() -> list[tuple]:
    t = table_of(BankTransaction).c
    return [
        tuple(r)
        for r in db.session.execute(
            select(
                t.provider_id,
                t.amount,
                t.occurred_at,
                t.dedupe_key,
                t.status,
                t.raw,
                t.note,
                t.note_msg,
                t.direction,
                t.received_at.is_not(None),
            ).order_by(t.provider_id)
        )
    ]


def test_insert_rows_stores_what_a_core_insert_stores(ctx):
    rows = [_row(n) for n in range(12)]
    table = table_of(BankTransaction)
    db.session.execute(insert(table), [dict(zip(COLUMNS, row, strict=True)) for row in rows])
    db.session.flush()
    by_core = _stored()
    db.session.execute(table.delete())
    assert insert_rows(table, COLUMNS, rows) == 12
    assert _stored() == by_core
    # Datetimes come back as the same UTC moments, JSON as the same objects, defaults filled.
    first = by_core[0]
    assert first[2] == AT.astimezone(UTC) and first[5] == {}
    assert first[6] == "" and first[7] is None and first[8] == "in"


def test_insert_rows_refuses_rows_of_the_wrong_width(ctx):
    with pytest.raises(ValueError):
        insert_rows(table_of(BankTransaction), COLUMNS, [_row(1)[:-1]])
    assert insert_rows(table_of(BankTransaction), COLUMNS, []) == 0


def test_insert_rows_refuses_a_naive_datetime_as_a_core_insert_does(ctx):
    naive = (*_row(2)[:3], datetime(2026, 11, 3), *_row(2)[4:])  # noqa: DTZ001 - the point
    with pytest.raises(ValueError, match="naive"):
        insert_rows(table_of(BankTransaction), COLUMNS, [naive])


def test_among_and_rows_by_key_find_exactly_the_rows_asked_for(ctx):
    table = table_of(BankTransaction)
    insert_rows(table, COLUMNS, [_row(n) for n in range(30)] + [_row(3, provider="sepay")])
    wanted = [f"id-{n}" for n in (1, 3, 5, 29, 77)]  # id-77 does not exist
    found = db.session.execute(
        select(table.c.provider_id).where(among(table.c.provider_id, wanted))
    ).scalars()
    assert sorted(found) == ["id-1", "id-29", "id-3", "id-3", "id-5"]
    pairs = rows_by_key(table, "provider_id", wanted, ("provider_id", "amount"), provider="sepay")
    assert [tuple(p) for p in pairs] == [("id-3", 100_003)]
    assert rows_by_key(table, "provider_id", [], ("provider_id",), provider="statement") == []
    # More values than SQLite binds in one statement: still one parameter.
    many = [f"id-{n}" for n in range(40_000)]
    assert (
        len(db.session.execute(select(table.c.id).where(among(table.c.provider_id, many))).all())
        == 31
    )


def test_update_rows_sets_each_row_its_own_values(ctx):
    table = table_of(BankTransaction)
    insert_rows(table, COLUMNS, [_row(n) for n in range(5)])
    ids = dict(db.session.execute(select(table.c.provider_id, table.c.id)).tuples().all())
    changes = [(ids["id-1"], 7, TxStatus.ignored.value), (ids["id-4"], 9, TxStatus.duplicate.value)]
    assert update_rows(table, "id", ("amount", "status"), changes) == 2
    got = dict(
        (r.provider_id, (r.amount, r.status))
        for r in db.session.execute(select(table.c.provider_id, table.c.amount, table.c.status))
    )
    assert got["id-1"] == (7, TxStatus.ignored) and got["id-4"] == (9, TxStatus.duplicate)
    assert got["id-0"] == (100_000, TxStatus.matched)  # untouched
    assert update_rows(table, "id", ("amount",), []) == 0


def test_among_binds_any_string_or_number_exactly(ctx):
    """Plain values go as one array literal on PostgreSQL; quotes, backslashes, braces,
    commas, spaces and "NULL" are found as they are, and so are numbers."""
    assert _literal(["TS1", "a b", ""]) == '{"TS1","a b",""}' and _literal([3, 1]) == "{3,1}"
    assert _literal(['a"b']) is None and _literal(["c\\d"]) is None and _literal([1, None]) is None
    table = table_of(BankTransaction)
    odd = ['a"b', "c\\d", "{e}", "f,g", " h ", "NULL", "Ủng hộ", ""]
    rows = [(*_row(n)[:1], value, *_row(n)[2:]) for n, value in enumerate(odd)]
    insert_rows(table, COLUMNS, rows)
    for wanted in (odd, odd[2:], ["NULL", ""], ["nothing"]):
        found = db.session.execute(
            select(table.c.provider_id).where(among(table.c.provider_id, wanted))
        ).scalars()
        assert sorted(found) == sorted(v for v in wanted if v in odd)
        pairs = rows_by_key(table, "provider_id", wanted, ("provider_id",), provider="statement")
        assert sorted(p[0] for p in pairs) == sorted(v for v in wanted if v in odd)
    amounts = [100_000 + n for n in (0, 3, 99)]
    found = db.session.execute(select(table.c.amount).where(among(table.c.amount, amounts)))
    assert sorted(found.scalars()) == [100_000, 100_003]
    ids = dict(db.session.execute(select(table.c.provider_id, table.c.id)).tuples().all())
    changes = [(ids['a"b'], 5, 'say "hi"'), (ids["NULL"], 6, "back\\slash")]
    assert update_rows(table, "id", ("amount", "memo"), changes) == 2
    got = dict(db.session.execute(select(table.c.provider_id, table.c.memo)).tuples().all())
    assert got['a"b'] == 'say "hi"' and got["NULL"] == "back\\slash"


def test_among_binds_the_array_itself_on_postgresql(ctx):
    """The literal is sent as the typed array parameter (`%(p)s::TYPE[]`, read once), never
    cast from text (which a sequential scan would parse again for every row)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    table = table_of(BankTransaction)
    stmt = select(table.c.id).where(among(table.c.provider_id, ["a", "b"]))
    sql = str(stmt.compile(dialect=db.engine.dialect))
    assert "CAST" not in sql and "::VARCHAR(120)[]" in sql
