"""Ledger entries, the chain head, balances and assets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.dbtypes import Money, UTCDateTime
from app.extensions import Model

GENESIS_HASH = "0" * 64


class Asset(Model):
    """What an amount counts: đồng, grams of rice, bicycles… (editable as data)."""

    __tablename__ = "assets"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    unit_label: Mapped[str] = mapped_column(String(30))  # "₫", "g", "chiếc", "bộ"
    # Estimated value of one base unit in đồng, for reports; 0 when not meaningful.
    unit_value: Mapped[int] = mapped_column(Money, default=0)


class LedgerEntry(Model):
    """One movement of value. Never updated, never deleted."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("source <> destination", name="distinct_accounts"),
        Index("ix_ledger_entries_source_asset", "source", "asset"),
        Index("ix_ledger_entries_destination_asset", "destination", "asset"),
    )

    # seq is assigned from the chain head under its lock, never by the database.
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    source: Mapped[str] = mapped_column(String(80))
    destination: Mapped[str] = mapped_column(String(80))
    asset: Mapped[str] = mapped_column(ForeignKey("assets.code"))
    amount: Mapped[int] = mapped_column(Money)
    ref: Mapped[str] = mapped_column(String(80), default="", index=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    reverses_seq: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.seq"), unique=True)
    # Outside the chain: public label (donor display name…) that may later be hidden.
    label: Mapped[str] = mapped_column(String(200), default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


# The columns the chain hashes (chain.CHAIN_FIELDS), for readers that stream plain rows.
CHAIN_COLUMNS = (
    LedgerEntry.seq,
    LedgerEntry.at,
    LedgerEntry.kind,
    LedgerEntry.source,
    LedgerEntry.destination,
    LedgerEntry.asset,
    LedgerEntry.amount,
    LedgerEntry.ref,
)


class LedgerHead(Model):
    """The single row writers lock so that the chain stays linear."""

    __tablename__ = "ledger_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64), default=GENESIS_HASH)


class AccountBalance(Model):
    """Running balance per account and asset, kept in step under the head lock."""

    __tablename__ = "account_balances"

    account: Mapped[str] = mapped_column(String(80), primary_key=True)
    asset: Mapped[str] = mapped_column(ForeignKey("assets.code"), primary_key=True)
    balance: Mapped[int] = mapped_column(Money, default=0)
    total_in: Mapped[int] = mapped_column(Money, default=0)
    total_out: Mapped[int] = mapped_column(Money, default=0)
