"""The FIFO attribution of DESIGN.md §8, kept in tables so that a trace reads it, not replays it.

Derived data, like the Merkle tree: grown from the entries after a stored position, rebuilt
from a replay when it cannot be continued (`attribution.py`). Per (campaign account, asset):
every inflow is a lot with what it still holds, every outflow's share of a lot is a use.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.dbtypes import Money
from app.extensions import Model


class TraceState(Model):
    """How far one account's attribution has been carried, and where its oldest open lot is."""

    __tablename__ = "trace_state"

    account: Mapped[str] = mapped_column(String(80), primary_key=True)
    asset: Mapped[str] = mapped_column(String(20), primary_key=True)
    # The last entry taken into account and its hash: a restored or rebuilt database whose
    # entry at that seq differs is replayed from the start.
    upto_seq: Mapped[int] = mapped_column(Integer, default=0)
    upto_hash: Mapped[str] = mapped_column(String(64), default="")
    # No lot before this seq holds anything (the replay's `head`): where FIFO starts looking.
    open_from: Mapped[int] = mapped_column(Integer, default=0)


class TraceLot(Model):
    """One inflow of an account: the entry, what is left of it, whether it is a gift."""

    __tablename__ = "trace_lots"
    __table_args__ = (
        Index("ix_trace_lots_account_seq", "account", "asset", "seq"),
        Index("ix_trace_lots_ref", "account", "asset", "ref"),
    )

    # An entry has one destination, so its seq names its lot. No foreign key: derived data.
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    account: Mapped[str] = mapped_column(String(80))
    asset: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(Money)
    remaining: Mapped[int] = mapped_column(Money)
    ref: Mapped[str] = mapped_column(String(80), default="")
    gift: Mapped[bool] = mapped_column(Boolean, default=False)


class TraceUse(Model):
    """How much of one lot one outflow took (an outflow's seq names its account)."""

    __tablename__ = "trace_uses"
    __table_args__ = (Index("ix_trace_uses_lot_seq", "lot_seq"),)

    use_seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    lot_seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    amount: Mapped[int] = mapped_column(Money)
