"""Units of the youth union, communes and schools."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l
from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model


class UnitKind(enum.StrEnum):
    """Levels of the union hierarchy."""

    province = "province"  # Tỉnh Đoàn
    district = "district"  # Huyện/Thành Đoàn
    direct = "direct"  # Đoàn trực thuộc
    school = "school"  # Đoàn trường


UNIT_KIND_LABELS = {
    UnitKind.province: _l("Tỉnh Đoàn"),
    UnitKind.district: _l("Huyện/Thành Đoàn"),
    UnitKind.direct: _l("Đoàn trực thuộc"),
    UnitKind.school: _l("Đoàn trường"),
}

# Which kind may sit under which: the province at the top, school unions at the leaves.
ALLOWED_PARENTS = {
    UnitKind.province: (None,),
    UnitKind.district: (UnitKind.province,),
    UnitKind.direct: (UnitKind.province,),
    UnitKind.school: (UnitKind.district, UnitKind.direct, UnitKind.province),
}


class Unit(Model):
    """A youth-union unit; managers and field members belong to one."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[UnitKind] = mapped_column(Enum(UnitKind, native_enum=False, length=20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent", order_by="Unit.name")

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"


class Commune(Model):
    """A commune or ward (xã/phường): data, since areas were merged in 2025 and will change."""

    __tablename__ = "communes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    district: Mapped[str] = mapped_column(String(200), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)

    unit: Mapped[Unit | None] = relationship()


class School(Model):
    """A school that students attend."""

    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20), default="")  # tiểu học, THCS, THPT
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("communes.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)

    commune: Mapped[Commune | None] = relationship()
    unit: Mapped[Unit | None] = relationship()
