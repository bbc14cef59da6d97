"""The statement's search index: one row per ledger entry, kept in step on every posting.

The ledger table stays as the core defines it; what the public statement filters and searches
on is copied here once, when the entry is written (`indexing.py`), so that every filter of
`/sao-ke` and `GET /api/v1/ledger` is answered from one table by its own indexes: the campaign
an entry belongs to, the reference and bank reference upper-cased, the public label folded
(no diacritics, lower case) for the name search, and the date, kind, asset and amount.

Name search uses the database's own full-text search over `name_key`: an FTS5 table on SQLite,
a GIN index on `to_tsvector('simple', name_key)` on PostgreSQL (both created by `indexing.py`
and the migration, outside the metadata). Only the public label is indexed: an anonymous
donor's entry has an empty label and cannot be found by name.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.dbtypes import Money, UTCDateTime
from app.extensions import Model


class StatementRow(Model):
    """What the statement searches for one ledger entry (never edited but by a re-index)."""

    __tablename__ = "statement_index"
    __table_args__ = (
        Index("ix_statement_index_campaign_seq", "campaign", "seq"),
        # The totals of a campaign's date range and of an amount range read only the index.
        Index("ix_statement_index_campaign_at", "campaign", "at", "asset", "amount"),
        Index("ix_statement_index_campaign_to", "campaign_to"),
        Index("ix_statement_index_kind_seq", "kind", "seq"),
        Index("ix_statement_index_asset_seq", "asset", "seq"),
        Index("ix_statement_index_amount", "amount", "asset"),
        Index("ix_statement_index_at", "at"),
    )

    # The entry's seq. No foreign key: the index is derived data (rebuilt by `flask statement
    # reindex`), and it must not stand in the way of a check that finds an entry gone.
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(30))
    asset: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(Money)
    # The campaign slug the entry belongs to ("" when none): its source or destination, or for
    # a hand-over or an expense leaving the fund, the campaign of the entry it continues.
    campaign: Mapped[str] = mapped_column(String(80), default="")
    # The receiving campaign of a reallocation (campaign → campaign), else "".
    campaign_to: Mapped[str] = mapped_column(String(80), default="")
    ref_key: Mapped[str] = mapped_column(String(80), default="", index=True)
    bank_key: Mapped[str] = mapped_column(String(120), default="", index=True)
    name_key: Mapped[str] = mapped_column(String(200), default="")


# Exact totals of a filter without scanning the matching rows (`aggregates.py`): the index summed
# per group, in two narrow tables so that each stays small (a few tens of thousands of rows at a
# million entries). The group keeps `campaign` and `campaign_to` apart because the campaign
# filter matches either. Derived data: grown lazily from the index up to a watermark.


class _TotalsGroup:
    """What both totals tables keep per group, after their own first key (day or amount)."""

    campaign: Mapped[str] = mapped_column(String(80), primary_key=True)
    campaign_to: Mapped[str] = mapped_column(String(80), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    asset: Mapped[str] = mapped_column(String(20), primary_key=True)
    entries: Mapped[int] = mapped_column(BigInteger)
    total: Mapped[int] = mapped_column(Money)


class TotalsByDay(_TotalsGroup, Model):
    """Count and sum of the index per Vietnam-time day, campaign, kind and asset."""

    __tablename__ = "statement_totals_day"
    __table_args__ = (
        Index("ix_statement_totals_day_campaign", "campaign", "day"),
        Index("ix_statement_totals_day_campaign_to", "campaign_to"),
    )

    day: Mapped[date] = mapped_column(Date, primary_key=True)


class TotalsByAmount(_TotalsGroup, Model):
    """Count and sum of the index per exact amount, campaign, kind and asset."""

    __tablename__ = "statement_totals_amount"
    __table_args__ = (
        Index("ix_statement_totals_amount_campaign", "campaign", "amount"),
        Index("ix_statement_totals_amount_campaign_to", "campaign_to"),
    )

    amount: Mapped[int] = mapped_column(Money, primary_key=True, autoincrement=False)


class TotalsState(Model):
    """How far the two totals tables have summed the index (one row, id 1)."""

    __tablename__ = "statement_totals_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    # Every index row with seq <= upto is in both tables, and none above it.
    upto: Mapped[int] = mapped_column(Integer, default=0)
