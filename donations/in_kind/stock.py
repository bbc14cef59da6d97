"""Goods in each unit's store: movements in (gifts, purchases, surplus) and out (hand-overs,
losses), each recorded once by its key, and never below zero.

A movement goes with a ledger posting of the same goods and is written in its transaction
after the ledger's chain lock (`move` takes it), so two at once are serialised like postings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app import stored_text
from app.dbtypes import utcnow
from app.errors import DomainError
from app.extensions import db
from app.ledger import service as ledger
from app.units.models import Unit
from donations.in_kind.models import StockMovement


class StockShort(DomainError):
    """Taking the goods out would leave the store below zero."""

    status_code = 409


def level(unit_id: int, asset: str) -> int:
    """What the books say the unit holds of one asset now."""
    total = db.session.execute(
        select(func.coalesce(func.sum(StockMovement.quantity), 0)).where(
            StockMovement.unit_id == unit_id, StockMovement.asset == asset
        )
    ).scalar_one()
    return int(total)  # PostgreSQL sums a BigInteger as NUMERIC


def levels(unit_ids: Iterable[int] | None = None) -> dict[int, dict[str, int]]:
    """unit id → asset → quantity held, for the given units (all when None); zeros left out."""
    stmt = select(StockMovement.unit_id, StockMovement.asset, func.sum(StockMovement.quantity))
    if unit_ids is not None:
        stmt = stmt.where(StockMovement.unit_id.in_(list(unit_ids)))
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for unit_id, asset, total in db.session.execute(
        stmt.group_by(StockMovement.unit_id, StockMovement.asset)
    ):
        if int(total):
            out[unit_id][asset] = int(total)
    return dict(out)


def _short(unit: Unit | None, asset: str, have: int, need: int) -> StockShort:
    return StockShort(
        _l(
            "Kho của %(unit)s không đủ: còn %(have)s, cần %(need)s, thiếu %(short)s. Không có gì "
            "được ghi.",
            unit=unit.name if unit is not None else "?",
            have=stored_text.quantity(max(have, 0), asset),
            need=stored_text.quantity(need, asset),
            short=stored_text.quantity(need - max(have, 0), asset),
        ),
        field="quantity",
    )


def move(
    unit_id: int,
    asset: str,
    quantity: int,
    *,
    kind: str,
    key: str,
    ref: str = "",
    ledger_seq: int | None = None,
    note: str = "",
    at: datetime | None = None,
) -> StockMovement:
    """Record goods in (+) or out (−) of a unit's store once per `key`; flushes.

    Refused (StockShort) when the store would go below zero.
    """
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity == 0:
        raise DomainError(_l("Số lượng phải là số nguyên khác 0."), field="quantity")
    ledger.lock()
    with db.session.no_autoflush:
        existing = db.session.execute(
            select(StockMovement).where(StockMovement.key == key)
        ).scalar_one_or_none()
    if existing is not None:
        return existing
    if quantity < 0:
        have = level(unit_id, asset)
        if have + quantity < 0:
            raise _short(db.session.get(Unit, unit_id), asset, have, -quantity)
    row = StockMovement(
        unit_id=unit_id,
        asset=asset,
        quantity=quantity,
        kind=kind,
        key=key[:120],
        ref=ref[:80],
        ledger_seq=ledger_seq,
        note=note[:200],
        at=at or utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    return row


def chain(unit_id: int) -> list[int]:
    """The unit and the units above it, nearest first."""
    out: list[int] = []
    current = db.session.get(Unit, unit_id)
    while current is not None and current.id not in out:
        out.append(current.id)
        current = current.parent
    return out


def draw(
    unit_id: int, asset: str, quantity: int, *, key: str, ref: str = "", **extra
) -> StockMovement:
    """Take goods out for a hand-over: from the unit's store, or else the nearest store above it
    that holds enough (goods kept at a district serve the rounds of its schools)."""
    ledger.lock()
    existing = db.session.execute(
        select(StockMovement).where(StockMovement.key == key)
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    for candidate in chain(unit_id):
        if level(candidate, asset) >= quantity:
            return move(candidate, asset, -quantity, kind="handover", key=key, ref=ref, **extra)
    raise _short(db.session.get(Unit, unit_id), asset, level(unit_id, asset), quantity)
