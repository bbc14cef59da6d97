"""Writing and reading the audit log."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import has_request_context
from sqlalchemy import Select, select

from app import stored_text
from app.audit.models import AuditEntry
from app.dbtypes import VN_TZ
from app.extensions import client_ip, db


def record(
    actor,
    action: str,
    target=None,
    summary="",
    changes: dict | None = None,
    *,
    target_type: str | None = None,
    target_id: str | int | None = None,
) -> AuditEntry:
    """Append one entry; flushes with the change it describes, never commits.

    `summary` is a lazy translation (shown in each reader's language) or plain text.
    """
    if target is not None:
        target_type = target_type or type(target).__name__
        target_id = target_id if target_id is not None else getattr(target, "id", "")
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        actor_email=getattr(actor, "email", "") or "system",
        action=action,
        target_type=target_type or "",
        target_id=str(target_id if target_id is not None else ""),
        summary=stored_text.vietnamese(summary)[:500],
        summary_msg=stored_text.freeze(summary),
        changes=_jsonable(changes or {}),
        ip=client_ip() if has_request_context() else "",
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def diff(obj, fields: dict) -> dict:
    """The {field: [old, new]} of the fields that a change would alter."""
    return {
        name: [getattr(obj, name), value]
        for name, value in fields.items()
        if getattr(obj, name) != value
    }


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def query(
    *,
    actor: str = "",
    action: str = "",
    target_type: str = "",
    target_id: str = "",
    day_from: date | None = None,
    day_to: date | None = None,
) -> Select:
    """Entries matching the filters, newest first."""
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc())
    if actor:
        stmt = stmt.where(AuditEntry.actor_email.ilike(f"%{actor.strip()}%"))
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if target_type:
        stmt = stmt.where(AuditEntry.target_type == target_type)
    if target_id:
        stmt = stmt.where(AuditEntry.target_id == target_id.strip())
    if day_from:
        stmt = stmt.where(AuditEntry.at >= datetime.combine(day_from, time.min, VN_TZ))
    if day_to:
        end = datetime.combine(day_to + timedelta(days=1), time.min, VN_TZ)
        stmt = stmt.where(AuditEntry.at < end)
    return stmt


def actions() -> list[str]:
    """Distinct action names, for the filter."""
    return list(
        db.session.execute(
            select(AuditEntry.action).distinct().order_by(AuditEntry.action)
        ).scalars()
    )
