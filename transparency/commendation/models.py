"""A commendation list of a period and its entries (units and people, with their figures)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.dbtypes import UTCDateTime, utcnow
from app.extensions import Model
from app.units.models import Unit


class CommendationList(Model):
    """The list for one meeting: its period and the unit whose work it covers."""

    __tablename__ = "commendation_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    first: Mapped[date] = mapped_column(Date)
    last: Mapped[date] = mapped_column(Date)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship()
    entries: Mapped[list[CommendationEntry]] = relationship(
        back_populates="list",
        order_by="CommendationEntry.kind, CommendationEntry.position",
        cascade="all, delete-orphan",
    )


class CommendationEntry(Model):
    """A unit or a person (an adult: a member, a page owner, a follower), the figures found in
    the data, and what the secretariat writes for the meeting."""

    __tablename__ = "commendation_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(
        ForeignKey("commendation_lists.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))  # unit | person
    name: Mapped[str] = mapped_column(String(200))
    unit_name: Mapped[str] = mapped_column(String(200), default="")
    figures: Mapped[dict] = mapped_column(JSON, default=dict)
    score: Mapped[int] = mapped_column(Integer, default=0)
    position: Mapped[int] = mapped_column(Integer, default=0)
    included: Mapped[bool] = mapped_column(default=True)
    citation: Mapped[str] = mapped_column(Text, default="")

    list: Mapped[CommendationList] = relationship(back_populates="entries")
