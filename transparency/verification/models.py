"""Stored Merkle subtrees of the ledger and the signed daily heads."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, LargeBinary, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from app.dbtypes import UTCDateTime, utcnow
from app.extensions import Model


class MerkleNode(Model):
    """The hash of one complete subtree: leaves idx·2^level … (idx+1)·2^level − 1."""

    __tablename__ = "merkle_nodes"

    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    idx: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class MerkleState(Model):
    """How many leaves the stored tree holds, and its root (one row, locked while growing)."""

    __tablename__ = "merkle_state"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    size: Mapped[int] = mapped_column(Integer, default=0)
    root: Mapped[str] = mapped_column(String(64))


class SignedHead(Model):
    """One signed head a day: Ed25519 over "<date>|<tree_size>|<root>"."""

    __tablename__ = "ledger_signed_heads"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    tree_size: Mapped[int] = mapped_column(Integer)
    root: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(128))  # hex of 64 bytes
    public_key: Mapped[str] = mapped_column(String(64))  # hex of the 32-byte key that signed
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
