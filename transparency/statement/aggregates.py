"""Exact totals of a statement filter without scanning its rows: the index, summed per group.

Two tables (models.TotalsByDay, models.TotalsByAmount) hold the count and the sum of the index
rows per (Vietnam-time day | exact amount, campaign, campaign_to, kind, asset). Every filter
made of campaign, kind, asset and either a date range or an amount range is a set of whole
groups of one table, so its totals are a sum over a few hundred rows (services.totals). A
search, an account, or amounts and dates together are scanned as before.

Kept in step lazily, like the index itself and never on the posting path (a hot row updated by
every posting would serialise them): `catch_up()` adds the index rows above the watermark
(`TotalsState.upto`), and a reader adds the rows above the watermark from the index itself, in
the same statement, so totals are exact however far behind the tables are. The page catches up
when they trail by more than LAG entries; `flask demo bulk` and `flask statement reindex` bring
them up to date. The watermark row is locked while it moves (FOR UPDATE on PostgreSQL, the
write lock on SQLite), so concurrent catch-ups never add the same rows twice.
"""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    bindparam,
    func,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from app.extensions import db
from app.ledger.models import LedgerHead
from app.locking import take_write_lock
from transparency.statement.filters import Filters, vn_midnight
from transparency.statement.models import StatementRow, TotalsByAmount, TotalsByDay, TotalsState

# Entries the tables may trail the index by before a page view catches them up (a reader sums
# that many rows from the index at most; a catch-up is a write, kept rare).
LAG = 1000

_GROUP = "campaign, campaign_to, kind, asset"


def _day_of(dialect: str) -> str:
    """SQL for the Vietnam-time day of `statement_index.at` (services._vn_midnight's day)."""
    if dialect == "postgresql":
        return "(at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date"
    # SQLite keeps `at` as UTC text; Vietnam has been UTC+7 without summer time since 1975.
    return "date(at, '+7 hours')"


def add_range(connection: Connection, after: int, upto: int) -> None:
    """Add the index rows with after < seq <= upto to both tables (set-based, one statement
    each; the watermark is the caller's)."""
    for table, key, expression in (
        (TotalsByDay.__tablename__, "day", _day_of(connection.dialect.name)),
        (TotalsByAmount.__tablename__, "amount", "amount"),
    ):
        connection.execute(
            text(
                f"INSERT INTO {table} ({key}, {_GROUP}, entries, total) "  # noqa: S608 - fixed names
                f"SELECT {expression}, {_GROUP}, count(*), sum(amount) FROM statement_index "
                f"WHERE seq > :after AND seq <= :upto GROUP BY {expression}, {_GROUP} "
                f"ON CONFLICT ({key}, {_GROUP}) DO UPDATE SET "
                f"entries = {table}.entries + excluded.entries, "
                f"total = {table}.total + excluded.total"
            ),
            {"after": after, "upto": upto},
        )


def _set_watermark(connection: Connection, upto: int, *, keep: bool = False) -> None:
    """Write the watermark row (with `keep`, only create it: another catch-up may own it)."""
    maker = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    stmt = maker(TotalsState).values(id=1, upto=upto)
    if keep:
        stmt = stmt.on_conflict_do_nothing(index_elements=["id"])
    else:
        stmt = stmt.on_conflict_do_update(index_elements=["id"], set_={"upto": upto})
    connection.execute(stmt)


def _indexed_upto(connection: Connection) -> int:
    return connection.execute(select(func.coalesce(func.max(StatementRow.seq), 0))).scalar_one()


def positions() -> tuple[int, int, int]:
    """(ledger head, highest indexed seq, watermark of the totals), in one query."""
    head = select(func.coalesce(func.max(LedgerHead.seq), 0)).scalar_subquery()
    indexed = select(func.coalesce(func.max(StatementRow.seq), 0)).scalar_subquery()
    summed = select(func.coalesce(func.max(TotalsState.upto), 0)).scalar_subquery()
    return tuple(db.session.execute(select(head, indexed, summed)).one())


def catch_up(lag: int = 0) -> int:
    """Sum the index rows above the watermark into the tables when more than `lag` of them
    wait; returns how many were added. Flushes, never commits."""
    connection = db.session.connection()
    watermark = select(TotalsState.upto).where(TotalsState.id == 1)
    seen = connection.execute(watermark).scalar()
    upto = _indexed_upto(connection)
    if upto - (seen or 0) <= lag:
        return 0
    take_write_lock()  # SQLite: no other writer until the commit
    if seen is None:
        # Only a database built without the migration lacks the row.
        _set_watermark(connection, 0, keep=True)
    # PostgreSQL: a second catch-up waits here, then reads the watermark the first one left.
    seen = connection.execute(watermark.with_for_update()).scalar_one()
    upto = _indexed_upto(connection)
    if upto <= seen:
        return 0
    add_range(connection, seen, upto)
    connection.execute(TotalsState.__table__.update().where(TotalsState.id == 1).values(upto=upto))
    return upto - seen


def rebuild(connection: Connection) -> int:
    """Empty both tables and sum the whole index again; returns the watermark."""
    connection.execute(TotalsByDay.__table__.delete())
    connection.execute(TotalsByAmount.__table__.delete())
    upto = _indexed_upto(connection)
    add_range(connection, 0, upto)
    _set_watermark(connection, upto)
    return upto


def table_for(filters: Filters) -> type[TotalsByDay] | type[TotalsByAmount] | None:
    """The table whose groups make up exactly what the filter selects (None: scan instead)."""
    if filters.q or filters.account:
        return None
    dates = filters.date_from or filters.date_to
    if dates and (filters.min is not None or filters.max is not None):
        return None
    # Without dates the amount table, the smaller one (fewer amounts than days), answers too.
    return TotalsByDay if dates else TotalsByAmount


def summed(filters: Filters) -> tuple[Select, dict] | None:
    """The statement of a filter's totals from the tables (None: the tables cannot answer it)
    and its parameters: the groups that make up the filter, and the index rows above the
    watermark, summed per asset in one statement (one snapshot, so a catch-up committed
    meanwhile is not counted twice)."""
    table = table_for(filters)
    if table is None:
        return None
    values = {
        "campaign": filters.campaign or None,
        "kind": filters.kind or None,
        "asset": filters.asset or None,
        "low": filters.min,
        "high": filters.max,
        "day_from": filters.date_from,
        "day_to": filters.date_to,
    }
    params = {k: v for k, v in values.items() if v is not None}
    if filters.date_from:
        params["at_from"] = vn_midnight(filters.date_from)
    if filters.date_to:
        params["at_to"] = vn_midnight(filters.date_to + timedelta(days=1))
    shape = tuple(values[k] is not None for k in values)
    return _statement(table is TotalsByDay, shape), params


@lru_cache(maxsize=256)
def _statement(by_day: bool, shape: tuple[bool, ...]) -> Select:
    """Built once per shape of filter, with bound parameters: building and keying a statement
    of this size costs more than running it."""
    table = TotalsByDay if by_day else TotalsByAmount
    campaign, kind, asset, low, high, day_from, day_to = shape
    watermark = select(func.coalesce(func.max(TotalsState.upto), 0)).scalar_subquery()
    # Materialised: the rows above the watermark are found by seq, whatever the filter.
    above = (
        select(StatementRow)
        .where(StatementRow.seq > watermark)
        .cte("above")
        .prefix_with("MATERIALIZED")
    )
    row = aliased(StatementRow, above)
    groups: list[ColumnElement[bool]] = []
    rows: list[ColumnElement[bool]] = []  # what services.conditions() asks of the index
    for source, out in ((table, groups), (row, rows)):
        if campaign:
            slug = bindparam("campaign")
            out.append(or_(source.campaign == slug, source.campaign_to == slug))
        if kind:
            out.append(source.kind == bindparam("kind"))
        if asset:
            out.append(source.asset == bindparam("asset"))
        if low:
            out.append(source.amount >= bindparam("low"))
        if high:
            out.append(source.amount <= bindparam("high"))
    if day_from:
        groups.append(table.day >= bindparam("day_from"))
        rows.append(row.at >= bindparam("at_from"))
    if day_to:
        groups.append(table.day <= bindparam("day_to"))
        rows.append(row.at < bindparam("at_to"))
    # Each part summed per asset first: the outer sum then adds a handful of rows.
    parts = union_all(
        select(table.asset, func.sum(table.entries), func.sum(table.total))
        .where(*groups)
        .group_by(table.asset),
        select(row.asset, func.count(), func.sum(row.amount)).where(*rows).group_by(row.asset),
    ).subquery()
    asset_, entries, total = parts.c
    return select(asset_, func.sum(entries), func.sum(total)).group_by(asset_)
