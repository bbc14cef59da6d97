"""Searching the public statement: filters, keyset pages, totals (DESIGN.md §8 `GET /ledger`).

One query shape serves the page, the API and the exports. Filters are read from request
arguments by `parse_filters` (a refusal names its field); `page()` returns the entries newest
first after an optional cursor (the seq of the last entry of the previous page, so a page
never shifts when new entries arrive); `totals()` sums what the filter selects.

`q` matches a reference code or a bank reference exactly (case-insensitive), or every word of
the public label without regard to diacritics, case or Unicode form, through the database's
full-text search (SQLite FTS5, PostgreSQL to_tsvector). Only public labels are searched.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import timedelta
from functools import lru_cache

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    ColumnElement,
    Integer,
    func,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy import text as sql_text

from app.dbtypes import VN_TZ
from app.extensions import db
from app.labels import ENTRY_KINDS
from app.ledger.models import Asset, LedgerEntry
from app.money import format_quantity
from campaigns.models import Campaign
from transparency.statement import aggregates
from transparency.statement.filters import Filters, vn_midnight
from transparency.statement.indexing import fold, search_key
from transparency.statement.models import StatementRow

MAX_WORDS = 8
PROBE = 20_000  # entries a dense filter is first tried on (see page())

KIND_LABELS = ENTRY_KINDS  # the one table (app/labels.py)
ANONYMOUS = _l("Nhà hảo tâm ẩn danh")


@dataclass
class Row:
    """One entry as the statement shows it."""

    entry: LedgerEntry
    campaign: str
    campaign_title: str
    bank_reference: str = ""

    @property
    def when(self) -> str:
        """Date and time in Vietnam, day first (the same in both languages)."""
        return self.entry.at.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")

    @property
    def amount_text(self) -> str:
        return _quantity(self.entry.amount, self.entry.asset, str(get_locale() or "vi"))

    @property
    def kind_label(self):
        return KIND_LABELS.get(self.entry.kind, self.entry.kind)

    @property
    def label(self):
        if self.entry.label:
            return self.entry.label
        return ANONYMOUS if self.entry.kind in ("donation", "in_kind") else ""


@lru_cache(maxsize=8192)
def _quantity(amount: int, asset: str, locale: str) -> str:
    """format_quantity, remembered: a page repeats the same few amounts (Babel is slow)."""
    return format_quantity(amount, asset, locale)


@dataclass
class Page:
    rows: list[Row]
    next_cursor: int | None


@dataclass
class Totals:
    """Count of entries and sum of amounts per asset of everything the filter selects."""

    count: int
    by_asset: dict[str, int] = field(default_factory=dict)


def _name_match(words: list[str]) -> ColumnElement[bool]:
    """Entries whose public label holds every word (the database's full-text search)."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "sqlite":
        expression = " ".join(f'"{w}"' for w in words)
        matches = (
            sql_text("SELECT rowid FROM statement_fts WHERE statement_fts MATCH :fts_q")
            .bindparams(fts_q=expression)
            .columns(literal_column("rowid", Integer))
        )
        return StatementRow.seq.in_(matches)
    simple: ColumnElement[str] = literal_column("'simple'::regconfig")
    query = " & ".join(words)
    return func.to_tsvector(simple, StatementRow.name_key).op("@@")(func.to_tsquery(simple, query))


def _q_clause(q: str) -> ColumnElement[bool]:
    keys = {search_key(q)[:120], search_key("".join(q.split()))[:120]}
    clauses: list[ColumnElement[bool]] = [
        StatementRow.ref_key.in_(sorted(keys)),
        StatementRow.bank_key.in_(sorted(keys)),
    ]
    words = fold(q).split()[:MAX_WORDS]
    if words:
        clauses.append(_name_match(words))
    return or_(*clauses)


def conditions(filters: Filters) -> list[ColumnElement[bool]]:
    """The WHERE clauses of a filter over StatementRow (the cursor excluded)."""
    out: list[ColumnElement[bool]] = []
    if filters.q:
        out.append(_q_clause(filters.q))
    if filters.campaign:
        out.append(
            or_(
                StatementRow.campaign == filters.campaign,
                StatementRow.campaign_to == filters.campaign,
            )
        )
    if filters.account:
        touching = select(LedgerEntry.seq).where(
            or_(LedgerEntry.source == filters.account, LedgerEntry.destination == filters.account)
        )
        out.append(StatementRow.seq.in_(touching))
    if filters.kind:
        out.append(StatementRow.kind == filters.kind)
    if filters.asset:
        out.append(StatementRow.asset == filters.asset)
    if filters.min is not None:
        out.append(StatementRow.amount >= filters.min)
    if filters.max is not None:
        out.append(StatementRow.amount <= filters.max)
    if filters.date_from:
        out.append(StatementRow.at >= vn_midnight(filters.date_from))
    if filters.date_to:
        out.append(StatementRow.at < vn_midnight(filters.date_to + timedelta(days=1)))
    return out


def _moved_into(campaign: str) -> ColumnElement[bool]:
    """Reallocations into `campaign`. They are rare: SQLite is told so (its statistics see
    only that most rows have no campaign_to) or it reads a whole date range instead."""
    clause = StatementRow.campaign_to == campaign
    if db.session.get_bind().dialect.name == "sqlite":
        # Untyped: as a Boolean, SQLAlchemy would add "= 1" and SQLite could no longer use it.
        return func.likelihood(clause, literal_column("0.000001"))
    return clause


def seqs_query(filters: Filters, *narrower: ColumnElement[bool], sparse: bool = False):
    """Seqs of the filter after the cursor, within `narrower`, newest first (no limit).

    `sparse`: few entries match, so the filter's own indexes find them and those are sorted
    (seq + 0 keeps the planner from walking the whole ledger backwards looking for them).
    A campaign's own entries and the reallocations into it are asked apart and merged (no entry
    is both): as one OR, SQLite read every entry of a date range from the table.
    """
    rest = conditions(replace(filters, campaign=""))
    if filters.cursor is not None:
        rest.append(StatementRow.seq < filters.cursor)
    rest.extend(narrower)
    if not filters.campaign:
        key = StatementRow.seq + 0 if sparse else StatementRow.seq
        return select(StatementRow.seq).where(*rest).order_by(key.desc())
    own = select(StatementRow.seq).where(StatementRow.campaign == filters.campaign, *rest)
    moved = select(StatementRow.seq).where(_moved_into(filters.campaign), *rest)
    if sparse:
        found = union_all(own, moved).subquery()
        return select(found.c.seq).order_by(found.c.seq.desc())
    both = union_all(own, moved)
    return both.order_by(both.selected_columns.seq.desc())


def _rows(seqs: list[int]) -> list[Row]:
    if not seqs:
        return []
    found = db.session.execute(
        select(LedgerEntry, StatementRow.campaign, StatementRow.bank_key)
        .join(StatementRow, StatementRow.seq == LedgerEntry.seq)
        .where(LedgerEntry.seq.in_(seqs))
        .order_by(LedgerEntry.seq.desc())
    ).all()
    slugs = {slug for _e, slug, _b in found if slug}
    titles = (
        dict(
            db.session.execute(
                select(Campaign.slug, Campaign.title).where(Campaign.slug.in_(slugs))
            )
            .tuples()
            .all()
        )
        if slugs
        else {}
    )
    return [Row(e, slug, titles.get(slug, slug), bank) for e, slug, bank in found]


def _seqs(stmt, limit: int) -> list[int]:
    return list(db.session.execute(stmt.limit(limit + 1)).scalars())


def page(filters: Filters) -> Page:
    """One page of entries, newest first, and the cursor of the next page (None at the end).

    A filter that many entries meet (an amount range, a kind) is first tried on the newest
    PROBE entries before the cursor, read in seq order: when they hold a page, the database
    never sorts the whole match. Otherwise (a rare amount, an old date range) the filter's own
    index finds the few matching entries, which are then sorted.
    """
    seqs: list[int] = []
    sparse = False
    if filters.active and not filters.q:
        upper = filters.cursor if filters.cursor is not None else _top() + 1
        if upper > PROBE:
            sparse = True  # unless the probe finds a page
            if not _window_too_new(filters, upper - PROBE):
                window = seqs_query(filters, StatementRow.seq >= upper - PROBE)
                seqs = _seqs(window, filters.limit)
    if len(seqs) <= filters.limit:
        seqs = _seqs(seqs_query(filters, sparse=sparse), filters.limit)
    more = len(seqs) > filters.limit
    seqs = seqs[: filters.limit]
    return Page(_rows(seqs), seqs[-1] if more and seqs else None)


def _window_too_new(filters: Filters, first: int) -> bool:
    """Whether the probe's oldest entry is already after the filter's last day, so that the
    window most likely holds none of it (a guess, used only to skip the probe: an entry's time
    mostly, not always, grows with its seq)."""
    if not filters.date_to:
        return False
    at = db.session.execute(
        select(StatementRow.at).where(StatementRow.seq >= first).order_by(StatementRow.seq).limit(1)
    ).scalar()
    return at is not None and at >= vn_midnight(filters.date_to + timedelta(days=1))


def _top() -> int:
    return db.session.execute(select(func.coalesce(func.max(StatementRow.seq), 0))).scalar_one()


def iterate(filters: Filters, chunk: int = 1000) -> Iterator[Row]:
    """Every entry of the filter, newest first, read chunk by chunk (exports)."""
    current = replace(filters, limit=chunk)
    while True:
        result = page(current)
        yield from result.rows
        if result.next_cursor is None:
            return
        current = replace(current, cursor=result.next_cursor)
        db.session.expunge_all()


def totals(filters: Filters) -> Totals:
    """How many entries the filter selects and what they add up to, per asset.

    From the totals tables when their groups make up the filter (aggregates.py), plus the index
    rows above their watermark, in one statement (one snapshot: a catch-up committed meanwhile
    cannot be counted twice); otherwise by scanning the rows the filter selects.
    """
    summed = aggregates.summed(filters)
    if summed is None:
        rows = db.session.execute(
            select(StatementRow.asset, func.count(), func.sum(StatementRow.amount))
            .where(*conditions(filters))
            .group_by(StatementRow.asset)
        ).all()
    else:
        rows = db.session.execute(*summed).all()
    sums = [(a, int(n), int(s)) for a, n, s in rows if n]
    return Totals(sum(n for _a, n, _s in sums), {a: s for a, _n, s in sums})


def choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(campaigns, assets) the filter form offers: (value, label) pairs."""
    from campaigns.views import PUBLIC_STATUSES

    campaigns = db.session.execute(
        select(Campaign.slug, Campaign.title)
        .where(Campaign.status.in_(PUBLIC_STATUSES))
        .order_by(Campaign.title)
    ).all()
    assets = db.session.execute(select(Asset.code, Asset.name).order_by(Asset.code)).all()
    return [tuple(c) for c in campaigns], [tuple(a) for a in assets]
