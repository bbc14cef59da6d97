"""Photos of a household visit: re-encoded without EXIF/GPS, kept private, shown only in the
back office to those who may read the child's file (and each opening is audited)."""

from __future__ import annotations

from datetime import datetime

from flask import abort, g, send_file
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import private_files, uow
from app.audit.service import record
from app.auth.guards import require_role, require_unit, roles_required
from app.auth.models import User
from app.dbtypes import UTCDateTime, utcnow
from app.errors import DomainError, NotFound
from app.extensions import Model, db
from students.blueprint import READERS, WRITERS, bp
from students.care.models import Visit

MAX_PHOTOS = 6
FOLDER = "visits"


class VisitPhoto(Model):
    """One photo of a visit (the file is private: private_files, never static/)."""

    __tablename__ = "student_visit_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(
        ForeignKey("student_visits.id", ondelete="CASCADE"), index=True
    )
    path: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    visit: Mapped[Visit] = relationship()


def attach_photos(actor: User, visit: Visit, uploads: list[bytes]) -> list[VisitPhoto]:
    """Check every photo first (all or none), then keep them; written after the commit."""
    require_role(actor, WRITERS)
    require_unit(actor, visit.student.unit_id)
    uploads = [u for u in uploads if u]
    if len(uploads) > MAX_PHOTOS:
        raise DomainError(_l("Tối đa %(n)s ảnh cho một lần thăm.", n=MAX_PHOTOS), field="photos")
    pending = [private_files.image(data, FOLDER, field="photos") for data in uploads]
    photos = [VisitPhoto(visit_id=visit.id, path=p.relative) for p in pending]
    db.session.add_all(photos)
    db.session.flush()
    private_files.save_after_commit(pending)
    return photos


def photos_by_visit(visit_ids: list[int]) -> dict[int, list[VisitPhoto]]:
    """The photos of these visits, by visit."""
    out: dict[int, list[VisitPhoto]] = {}
    if not visit_ids:
        return out
    rows = db.session.execute(
        select(VisitPhoto).where(VisitPhoto.visit_id.in_(visit_ids)).order_by(VisitPhoto.id)
    ).scalars()
    for photo in rows:
        out.setdefault(photo.visit_id, []).append(photo)
    return out


def photos_of_visit(visit: Visit) -> list[VisitPhoto]:
    """A visit's photos; the first call on a page loads those of all the student's visits."""
    cache = g.setdefault("visit_photos", {})
    if visit.id not in cache:
        ids = [v.id for v in visit.student.visits]
        found = photos_by_visit(ids)
        for vid in ids:
            cache[vid] = found.get(vid, [])
    return cache.get(visit.id, [])


@bp.route("/anh-tham/<int:photo_id>")
@roles_required(*READERS)
@uow.transactional
def visit_photo(photo_id: int):
    """A visit photo, for those who may read the child's file; audited."""
    photo = db.session.get(VisitPhoto, photo_id)
    if photo is None:
        raise NotFound(_l("Không tìm thấy ảnh."))
    student = photo.visit.student
    require_unit(current_user, student.unit_id)
    record(
        current_user,
        "student.visit_photo_view",
        student,
        _l("Xem ảnh lần thăm #%(id)s", id=photo.id),
        target_id=student.public_id,
    )
    path = private_files.existing(photo.path)
    if path is None:
        abort(404)
    return send_file(path, mimetype=private_files.content_type(photo.path), max_age=0)
