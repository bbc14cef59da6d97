"""Photos of an activity: re-encoded without EXIF/GPS (app.private_files, as visit photos),
private by default. One is shown publicly only when the unit marked it public AND recorded
that it may be: no child can be recognised in it, or the guardians of the children in it
agreed in writing (DESIGN.md §6)."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import private_files
from app.audit.service import record
from app.auth.guards import require_role, require_unit
from app.auth.models import User
from app.dbtypes import UTCDateTime, utcnow
from app.errors import DomainError, NotFound
from app.extensions import Model, db
from students.activities.models import Activity
from students.registry.models import enum_type
from students.registry.services import READERS, WRITERS

MAX_UPLOAD = 6
MAX_PER_ACTIVITY = 30
FOLDER = "activities"


class PhotoConsent(enum.StrEnum):
    """What the unit recorded about the people in the photo."""

    none = "none"  # not checked: never public
    no_children = "no_children"  # no child can be recognised
    guardians = "guardians"  # the guardians of the children in it agreed in writing


class ActivityPhoto(Model):
    """One photo of an activity (the file is private: private_files, never static/)."""

    __tablename__ = "unit_activity_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("unit_activities.id", ondelete="CASCADE"), index=True
    )
    path: Mapped[str] = mapped_column(String(200))
    caption: Mapped[str] = mapped_column(String(200), default="")
    consent: Mapped[PhotoConsent] = mapped_column(
        enum_type(PhotoConsent), default=PhotoConsent.none
    )
    public: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    activity: Mapped[Activity] = relationship()

    @property
    def shown_publicly(self) -> bool:
        """Marked public and allowed by what was recorded about the people in it."""
        return self.public and self.consent != PhotoConsent.none


def _settings(consent: str, public: bool) -> PhotoConsent:
    if consent not in PhotoConsent.__members__:
        raise DomainError(_l("Vui lòng chọn tình trạng đồng ý."), field="consent")
    if public and consent == PhotoConsent.none:
        raise DomainError(
            _l(
                "Chỉ công khai được ảnh không có trẻ em nhận ra được, hoặc ảnh mà phụ huynh "
                "các em trong ảnh đã đồng ý bằng văn bản."
            ),
            field="public",
        )
    return PhotoConsent(consent)


def add_photos(
    actor: User,
    activity: Activity,
    uploads: list[bytes],
    *,
    caption: str = "",
    consent: str = "none",
    public: bool = False,
) -> list[ActivityPhoto]:
    """Check every photo first (all or none), then keep them; written after the commit."""
    require_role(actor, WRITERS)
    require_unit(actor, activity.unit_id)
    uploads = [u for u in uploads if u]
    if not uploads:
        raise DomainError(_l("Vui lòng chọn ảnh."), field="photos")
    if len(uploads) > MAX_UPLOAD:
        raise DomainError(_l("Tối đa %(n)s ảnh một lần.", n=MAX_UPLOAD), field="photos")
    if len(photos_of(activity)) + len(uploads) > MAX_PER_ACTIVITY:
        raise DomainError(
            _l("Một hoạt động có tối đa %(n)s ảnh.", n=MAX_PER_ACTIVITY), field="photos"
        )
    settled = _settings(consent, public)
    pending = [private_files.image(data, FOLDER, field="photos") for data in uploads]
    photos = [
        ActivityPhoto(
            activity_id=activity.id,
            path=p.relative,
            caption=(caption or "").strip()[:200],
            consent=settled,
            public=public,
            created_by_id=actor.id,
        )
        for p in pending
    ]
    db.session.add_all(photos)
    db.session.flush()
    private_files.save_after_commit(pending)
    record(
        actor,
        "unit.activity_photos",
        activity,
        _l("Thêm %(n)s ảnh hoạt động", n=len(photos)),
        {"public": public, "consent": settled.value},
    )
    return photos


def update_photo(
    actor: User, photo: ActivityPhoto, *, caption: str, consent: str, public: bool
) -> ActivityPhoto:
    """Change what may be shown of a photo. Audited."""
    require_role(actor, WRITERS)
    require_unit(actor, photo.activity.unit_id)
    photo.consent = _settings(consent, public)
    photo.public = public
    photo.caption = (caption or "").strip()[:200]
    db.session.flush()
    record(
        actor,
        "unit.activity_photo",
        photo.activity,
        _l("Sửa ảnh hoạt động #%(id)s", id=photo.id),
        {"public": public, "consent": photo.consent.value},
    )
    return photo


def get_photo(actor: User, photo_id: int) -> ActivityPhoto:
    """A photo of an activity of a unit in the actor's scope."""
    require_role(actor, READERS)
    photo = db.session.get(ActivityPhoto, photo_id)
    if photo is None:
        raise NotFound(_l("Không tìm thấy ảnh."))
    require_unit(actor, photo.activity.unit_id)
    return photo


def photos_of(activity: Activity) -> list[ActivityPhoto]:
    """An activity's photos, oldest first."""
    return list(
        db.session.execute(
            select(ActivityPhoto)
            .where(ActivityPhoto.activity_id == activity.id)
            .order_by(ActivityPhoto.id)
        ).scalars()
    )


def public_photo(photo_id: int) -> ActivityPhoto:
    """A photo anyone may see; NotFound for every other (a private one is not admitted)."""
    photo = db.session.get(ActivityPhoto, photo_id)
    if photo is None or not photo.shown_publicly:
        raise NotFound(_l("Không tìm thấy ảnh."))
    return photo


def campaign_activities(campaign_id: int) -> list[tuple[Activity, list[ActivityPhoto]]]:
    """The activities that raise funds for a campaign, each with its public photos (for the
    campaign's public page)."""
    rows = list(
        db.session.execute(
            select(Activity)
            .where(Activity.campaign_id == campaign_id)
            .order_by(Activity.held_on, Activity.id)
        ).scalars()
    )
    if not rows:
        return []
    photos: dict[int, list[ActivityPhoto]] = {}
    for photo in db.session.execute(
        select(ActivityPhoto)
        .where(
            ActivityPhoto.activity_id.in_([a.id for a in rows]),
            ActivityPhoto.public.is_(True),
            ActivityPhoto.consent != PhotoConsent.none,
        )
        .order_by(ActivityPhoto.id)
    ).scalars():
        photos.setdefault(photo.activity_id, []).append(photo)
    return [(a, photos.get(a.id, [])) for a in rows]
