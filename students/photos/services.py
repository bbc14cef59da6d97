"""A student's photo: private storage, back-office access, and the sponsor's consented view.

The photo is a child's personal data (DESIGN.md §6). It lives under PRIVATE_FOLDER, never under
static/, and leaves it only through views that check role and unit (back office) or the
sponsor's token and the consent in force today (public). Every change and every read is audited.

Files follow the database (`app.private_files`): a new file is written, and a replaced or
removed one deleted, only once the unit of work has committed (`app.uow.after_commit`), so a
failed request leaves no orphan file and no row pointing at a file that was never written.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l
from PIL import Image
from sqlalchemy import select, update

from app import private_files
from app.audit.service import record
from app.auth.guards import require_role, require_unit
from app.auth.models import User
from app.errors import Conflict, NotFound
from app.extensions import db
from students.care.models import ConsentScope
from students.privacy import current_scope
from students.registry.models import Student
from students.registry.services import READERS, WRITERS
from students.sponsorship.models import Sponsorship

FOLDER = "student-photos"
MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000
# A portrait needs no more: smaller files, less detail kept about a child.
LONGEST_SIDE = 1200
JPEG_QUALITY = 85


@dataclass(frozen=True)
class SponsorActor:
    """Who the audit log names when a sponsor's link reads a photo (no personal data)."""

    sponsorship_id: int
    id: None = None

    @property
    def email(self) -> str:
        return f"do-dau#{self.sponsorship_id}"


def _fit(clean: bytes, ext: str) -> bytes:
    """Scale an already sanitized image down to LONGEST_SIDE (a fresh save: no metadata)."""
    with Image.open(io.BytesIO(clean)) as image:
        if max(image.size) <= LONGEST_SIDE:
            return clean
        image.load()
        fitted = image.copy()
    fitted.thumbnail((LONGEST_SIDE, LONGEST_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if ext == "png":
        fitted.save(out, "PNG", optimize=True)
    else:
        fitted.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return out.getvalue()


def _swap_path(student: Student, new: str | None) -> str | None:
    """Point the row at `new` only if nobody changed the photo meanwhile; returns the old path.

    The conditional UPDATE makes two concurrent uploads conflict instead of both "winning" and
    leaving the loser's file on disk with no row pointing at it.
    """
    old = student.photo_path
    same = Student.photo_path.is_(None) if old is None else Student.photo_path == old
    result = db.session.execute(
        update(Student)
        .where(Student.id == student.id, same)
        .values(photo_path=new)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:  # an UPDATE's CursorResult
        raise Conflict(
            _l("Ảnh của học sinh vừa được người khác thay đổi. Hãy tải lại trang và thử lại.")
        )
    db.session.refresh(student, ["photo_path", "updated_at"])
    return old


def set_photo(actor: User, student: Student, data: bytes) -> str:
    """Upload or replace the photo: verified, stripped of EXIF/GPS, re-encoded. Audited.

    Returns the new relative path; the file itself is written after the commit.
    """
    require_role(actor, WRITERS)
    require_unit(actor, student.unit_id)
    new = private_files.image(
        data,
        FOLDER,
        max_bytes=MAX_PHOTO_BYTES,
        max_pixels=MAX_PHOTO_PIXELS,
        adjust=_fit,
        field="photo",
    )
    old = _swap_path(student, new.relative)
    record(
        actor,
        "student.photo_replace" if old else "student.photo_upload",
        student,
        (
            _l("Thay ảnh của %(id)s", id=student.public_id)
            if old
            else _l("Tải lên ảnh của %(id)s", id=student.public_id)
        ),
        target_id=student.public_id,
    )
    private_files.save_after_commit([new], replaced=[old])
    return new.relative


def remove_photo(actor: User, student: Student) -> None:
    """Remove the photo; the file is deleted after the commit. Audited."""
    require_role(actor, WRITERS)
    require_unit(actor, student.unit_id)
    if not student.photo_path:
        raise NotFound(_l("Học sinh này chưa có ảnh."))
    old = _swap_path(student, None)
    record(
        actor,
        "student.photo_remove",
        student,
        _l("Xoá ảnh của %(id)s", id=student.public_id),
        target_id=student.public_id,
    )
    private_files.delete_after_commit(old)


def photo_file(actor: User, student: Student) -> tuple[Path, str]:
    """The photo for a back-office reader in scope: (file, MIME type). The read is audited."""
    require_role(actor, READERS)
    require_unit(actor, student.unit_id)
    path = private_files.existing(student.photo_path)
    if path is None:
        raise NotFound(_l("Học sinh này chưa có ảnh."))
    record(
        actor,
        "student.photo_view",
        student,
        _l("Xem ảnh của %(id)s", id=student.public_id),
        target_id=student.public_id,
    )
    return path, private_files.content_type(student.photo_path or "")


def sponsor_may_see_photo(sponsorship: Sponsorship) -> bool:
    """True only for an active sponsorship of a student whose CURRENT consent names them."""
    student = sponsorship.student
    return (
        sponsorship.active
        and bool(student.photo_path)
        and current_scope(student) == ConsentScope.named
    )


def sponsor_photo_file(token: str) -> tuple[Path, str]:
    """The photo behind a sponsor's link, checked against today's consent. Audited.

    Anything else (unknown link, ended sponsorship, consent narrowed or withdrawn, no photo)
    is the same NotFound, so the answer says nothing about why.
    """
    sponsorship = db.session.execute(
        select(Sponsorship).where(Sponsorship.token == token)
    ).scalar_one_or_none()
    if sponsorship is None or not sponsor_may_see_photo(sponsorship):
        raise NotFound(_l("Không có ảnh."))
    student = sponsorship.student
    path = private_files.existing(student.photo_path)
    if path is None:
        raise NotFound(_l("Không có ảnh."))
    record(
        SponsorActor(sponsorship.id),
        "student.photo_sponsor_view",
        student,
        _l(
            "Nhà đỡ đầu #%(sponsorship)s xem ảnh của %(id)s",
            sponsorship=sponsorship.id,
            id=student.public_id,
        ),
        target_id=student.public_id,
    )
    return path, private_files.content_type(student.photo_path or "")
