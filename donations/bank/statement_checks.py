"""A statement file uploaded again: say so clearly (re-importing never counts a row twice)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from donations.bank.models import StatementImport


def previous_import(sha256: str) -> StatementImport | None:
    """The latest import of a file with this SHA-256, if the file was imported before."""
    return db.session.execute(
        select(StatementImport)
        .where(StatementImport.sha256 == sha256)
        .order_by(StatementImport.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def reupload_message(previous: StatementImport):
    """What the treasurer reads when the same file comes back."""
    return _l(
        "Tệp này đã được nhập (lần nhập #%(id)s, %(file)s: %(added)s giao dịch mới). Nhập lại "
        "không tính dòng nào hai lần: chỉ những dòng chưa có mới được thêm.",
        id=previous.id,
        file=previous.filename,
        added=previous.added,
    )


NOTHING_NEW = _l("Mọi dòng của tệp đã có trong hệ thống: không có gì mới để nhập.")
