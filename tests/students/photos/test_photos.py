"""A student's photo: sanitized upload, private storage, audited reads, consent on the sponsor page."""

from __future__ import annotations

import io
import re
import struct
import zlib
from datetime import date
from pathlib import Path

import pytest
from PIL import ExifTags, Image
from sqlalchemy import select

from app import uow
from app.audit.models import AuditEntry
from app.auth.models import Role, User
from app.demo import seed_all
from app.extensions import db
from app.images import ImageError
from campaigns.models import Campaign, CampaignKind, CampaignStatus
from students.care.models import ConsentScope
from students.care.services import record_consent, withdraw_consent
from students.demo import DEMO_SPONSOR_LINK
from students.photos import services as services_photos
from students.privacy import current_scope
from students.registry.models import Student
from students.sponsorship.models import Sponsorship
from students.sponsorship.services import create_sponsorship, end_sponsorship
from tests.conftest import login
from tests.fixtures.students import public_urls


def _jpeg_with_gps(size: tuple[int, int] = (1600, 1200)) -> bytes:
    """A camera-like JPEG whose EXIF says where the child lives."""
    image = Image.new("RGB", size, (180, 60, 40))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "MayAnhThu"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (21.0, 1.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (105.0, 51.0, 0.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # really has GPS
    return data


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge size (a decompression bomb's calling card)."""
    out = io.BytesIO()
    Image.new("L", (1, 1)).save(out, "PNG")
    data = bytearray(out.getvalue())
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def _stored(app) -> set[Path]:
    folder = Path(app.config["PRIVATE_FOLDER"]) / services_photos.FOLDER
    return {p for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


def _audit(action: str, public_id: str) -> list[AuditEntry]:
    db.session.expire_all()
    return list(
        db.session.execute(
            select(AuditEntry).where(AuditEntry.action == action, AuditEntry.target_id == public_id)
        ).scalars()
    )


def _reload(student: Student) -> Student:
    db.session.expire_all()
    return db.session.get(Student, student.id)


def _upload(client, public_id: str, data: bytes, name: str = "anh.jpg"):
    return client.post(
        f"/quan-tri/hoc-sinh/{public_id}/anh",
        data={"photo": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_upload_strips_exif_and_gps_and_stores_privately(app, client, make_student, login_as):
    student = make_student()
    login_as("field", "a")
    before = _stored(app)
    response = _upload(client, student.public_id, _jpeg_with_gps())
    assert response.status_code == 303, response.data[:500]
    student = _reload(student)
    assert student.photo_path and student.photo_path.startswith(f"{services_photos.FOLDER}/")
    assert "static" not in student.photo_path
    (path,) = _stored(app) - before
    assert Path(app.config["PRIVATE_FOLDER"]).resolve() in path.resolve().parents
    assert path.name == Path(student.photo_path).name
    data = path.read_bytes()
    assert b"Exif" not in data and b"MayAnhThu" not in data
    with Image.open(path) as stored:
        assert stored.format == "JPEG"
        assert not stored.getexif() and "exif" not in stored.info
        assert max(stored.size) == services_photos.LONGEST_SIDE  # scaled down for a portrait
    assert len(_audit("student.photo_upload", student.public_id)) == 1

    # The file page shows it through the checked view; every read is audited.
    page = client.get(f"/quan-tri/hoc-sinh/{student.public_id}").get_data(as_text=True)
    photo_url = f"/quan-tri/hoc-sinh/{student.public_id}/anh/xem"
    assert photo_url in page and "data-confirm" in page
    shown = client.get(photo_url)
    assert shown.status_code == 200 and shown.mimetype == "image/jpeg"
    assert "no-store" in shown.headers["Cache-Control"]
    assert shown.data == data
    client.get(photo_url)
    assert len(_audit("student.photo_view", student.public_id)) == 2


def test_replace_deletes_the_old_file_after_commit_and_remove_asks_first(
    app, client, make_student, login_as
):
    student = make_student()
    login_as("manager", "a")
    assert _upload(client, student.public_id, _jpeg_with_gps((300, 200))).status_code == 303
    first = _reload(student).photo_path
    first_file = Path(app.config["PRIVATE_FOLDER"]) / first
    assert first_file.is_file()
    png = io.BytesIO()
    Image.new("RGB", (200, 300), (10, 90, 10)).save(png, "PNG")
    assert _upload(client, student.public_id, png.getvalue(), "moi.png").status_code == 303
    second = _reload(student).photo_path
    assert second != first and not first_file.exists()
    assert (Path(app.config["PRIVATE_FOLDER"]) / second).is_file()
    assert len(_audit("student.photo_replace", student.public_id)) == 1

    page = client.get(f"/quan-tri/hoc-sinh/{student.public_id}").get_data(as_text=True)
    remove_form = re.search(r'<form[^>]*/anh/xoa"[^>]*>', page)
    assert remove_form and "data-confirm=" in remove_form.group(0)
    response = client.post(f"/quan-tri/hoc-sinh/{student.public_id}/anh/xoa")
    assert response.status_code == 303
    assert _reload(student).photo_path is None
    assert not (Path(app.config["PRIVATE_FOLDER"]) / second).exists()
    assert len(_audit("student.photo_remove", student.public_id)) == 1
    assert client.get(f"/quan-tri/hoc-sinh/{student.public_id}/anh/xem").status_code == 404


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"day khong phai la anh", "anh.jpg", "không phải là ảnh hợp lệ"),
        (b"%PDF-1.7 giay to", "giay.pdf", "không phải là ảnh hợp lệ"),
        (b"", "", "Chưa chọn ảnh"),
        ("oversized", "to.jpg", "Ảnh quá nặng"),
        (_png_claiming(50_000, 50_000), "bom.png", "nén bẫy"),
        (_png_claiming(8_000, 6_000), "lon.png", "Ảnh quá lớn"),
    ],
    ids=["text", "pdf", "empty", "oversized", "bomb", "too-many-pixels"],
)
def test_bad_uploads_get_a_clear_message_and_nothing_is_stored(
    app, client, make_student, login_as, data, name, message
):
    if data == "oversized":
        data = _jpeg_with_gps((64, 64)) + b"\0" * services_photos.MAX_PHOTO_BYTES
    student = make_student()
    login_as("field", "a")
    before = _stored(app)
    response = _upload(client, student.public_id, data, name)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _reload(student).photo_path is None
    assert _stored(app) == before
    assert not _audit("student.photo_upload", student.public_id)


def test_nothing_is_written_when_the_database_work_does_not_commit(app, make_student, make_user):
    student = make_student()
    admin = make_user("admin")
    before = _stored(app)
    services_photos.set_photo(admin, student, _jpeg_with_gps((100, 100)))
    uow.rollback()
    assert _stored(app) == before
    assert _reload(student).photo_path is None
    # A later commit in the same context does not write the abandoned file either.
    uow.commit()
    assert _stored(app) == before
    with pytest.raises(ImageError):
        services_photos.set_photo(admin, _reload(student), b"GIF89a?")
    uow.rollback()
    assert _stored(app) == before


def test_a_field_member_of_another_district_reaches_no_photo(app, client, make_student, make_user):
    student = make_student()
    services_photos.set_photo(make_user("admin"), student, _jpeg_with_gps((100, 100)))
    uow.commit()
    path = _reload(student).photo_path
    login(client, make_user("field", "b"))
    base = f"/quan-tri/hoc-sinh/{student.public_id}/anh"
    assert client.get(f"{base}/xem").status_code in (403, 404)
    assert _upload(client, student.public_id, _jpeg_with_gps((50, 50))).status_code in (403, 404)
    assert client.post(f"{base}/xoa").status_code in (403, 404)
    assert client.get(base).status_code in (403, 404)
    assert _reload(student).photo_path == path
    assert (Path(app.config["PRIVATE_FOLDER"]) / path).is_file()
    assert not _audit("student.photo_view", student.public_id)
    # Not logged in at all: to the login page, never the picture.
    assert app.test_client().get(f"{base}/xem").status_code == 302


@pytest.fixture
def sponsored(make_student, make_user, units):
    """A student with a photo, a named consent, and a sponsor."""
    campaign = Campaign(
        slug="quy-anh",
        title="Quỹ thử ảnh",
        kind=CampaignKind.general,
        status=CampaignStatus.published,
        unit_id=units["province"].id,
        starts_on=date(2026, 9, 1),
    )
    db.session.add(campaign)
    db.session.commit()
    student = make_student(full_name="Lò Thị Hoa")
    manager = make_user("manager", "a")
    consent = record_consent(
        manager,
        student,
        guardian_name="Lò Văn Giám",
        given_on=date(2026, 9, 1),
        scope="named",
        child_agreed=True,
    )
    services_photos.set_photo(manager, student, _jpeg_with_gps((120, 160)))
    sponsorship = create_sponsorship(
        manager,
        student,
        campaign=campaign,
        donor_name="Nhà hảo tâm Ảnh",
        donor_email="anh@example.com",
        monthly_amount=300_000,
        method="bank",
    )
    uow.commit()
    return {"student": student, "manager": manager, "consent": consent, "sp": sponsorship}


def test_sponsor_sees_the_photo_only_while_consent_allows(app, sponsored):
    sp, manager = sponsored["sp"], sponsored["manager"]
    public = app.test_client()
    page_url, photo_url = f"/do-dau/{sp.token}", f"/do-dau/{sp.token}/anh"
    page = public.get(page_url).get_data(as_text=True)
    assert photo_url in page and "Hoa" in page
    photo = public.get(photo_url)
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    assert "no-store" in photo.headers["Cache-Control"]
    assert b"Exif" not in photo.data
    entries = _audit("student.photo_sponsor_view", sponsored["student"].public_id)
    assert len(entries) == 1 and entries[0].actor_id is None
    assert entries[0].actor_email == f"do-dau#{sp.id}"

    # Narrowed to initials + grade + school: no photo, and its URL answers 404.
    student = _reload(sponsored["student"])
    record_consent(
        manager,
        student,
        guardian_name="Lò Văn Giám",
        given_on=date.today(),
        scope="basic",
        child_agreed=True,
    )
    uow.commit()
    assert photo_url not in public.get(page_url).get_data(as_text=True)
    assert public.get(photo_url).status_code == 404

    # Named again, then withdrawn: 404 again.
    student = _reload(student)
    latest = record_consent(
        manager,
        student,
        guardian_name="Lò Văn Giám",
        given_on=date.today(),
        scope="named",
        child_agreed=True,
    )
    uow.commit()
    assert public.get(photo_url).status_code == 200
    withdraw_consent(manager, latest, date.today())
    uow.commit()
    assert photo_url not in public.get(page_url).get_data(as_text=True)
    assert public.get(photo_url).status_code == 404
    assert public.get(f"/do-dau/{'x' * 32}/anh").status_code == 404


def test_sponsor_photo_needs_an_active_sponsorship_and_a_photo(app, sponsored):
    sp, manager = sponsored["sp"], sponsored["manager"]
    public = app.test_client()
    photo_url = f"/do-dau/{sp.token}/anh"
    assert public.get(photo_url).status_code == 200
    end_sponsorship(manager, db.session.get(type(sp), sp.id), date.today())
    uow.commit()
    assert public.get(photo_url).status_code == 404
    assert photo_url not in public.get(f"/do-dau/{sp.token}").get_data(as_text=True)


def test_sponsor_page_never_shows_a_photo_without_named_consent(app, make_student, make_user):
    """A basic consent from the start: the stored photo never reaches the public."""
    campaign = Campaign(
        slug="quy-co-ban",
        title="Quỹ cơ bản",
        kind=CampaignKind.general,
        status=CampaignStatus.published,
        unit_id=make_user("admin").unit_id,
        starts_on=date(2026, 9, 1),
    )
    db.session.add(campaign)
    db.session.commit()
    student = make_student()
    manager = make_user("manager", "a")
    record_consent(
        manager,
        student,
        guardian_name="Lò Văn Giám",
        given_on=date(2026, 9, 1),
        scope="basic",
        child_agreed=True,
    )
    services_photos.set_photo(manager, student, _jpeg_with_gps((80, 80)))
    sp = create_sponsorship(
        manager,
        student,
        campaign=campaign,
        donor_name="Nhà hảo tâm",
        donor_email="cb@example.com",
        monthly_amount=100_000,
        method="bank",
    )
    uow.commit()
    public = app.test_client()
    page = public.get(f"/do-dau/{sp.token}").get_data(as_text=True)
    assert "st-photo" not in page and f"/do-dau/{sp.token}/anh" not in page
    assert public.get(f"/do-dau/{sp.token}/anh").status_code == 404


def test_no_other_public_page_or_api_serves_a_photo(app):
    """With the demo data and a photo for every child, only the sponsor's photo route serves one."""

    seed_all(lambda _msg: None)
    actor = db.session.execute(select(User).where(User.role == Role.admin)).scalars().first()
    students = list(db.session.execute(select(Student)).scalars())
    for student in students:
        services_photos.set_photo(actor, student, _jpeg_with_gps((40 + student.id % 7, 40)))
    # The demo sponsor's child is named with consent, so the one allowed door is really open.
    sp = db.session.execute(
        select(Sponsorship).where(Sponsorship.token == DEMO_SPONSOR_LINK)
    ).scalar_one()
    if current_scope(sp.student) != ConsentScope.named:
        record_consent(
            actor,
            sp.student,
            guardian_name="Người giám hộ",
            given_on=date.today(),
            scope="named",
            child_agreed=True,
        )
    uow.commit()
    photos = {
        (Path(app.config["PRIVATE_FOLDER"]) / s.photo_path).read_bytes()
        for s in db.session.execute(select(Student)).scalars()
    }
    client = app.test_client()
    served = []
    for url in public_urls(app):
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code == 200 and response.data in photos:
            served.append(url)
        body = response.get_data(as_text=True) if response.mimetype.startswith("text") else ""
        assert "/anh/xem" not in body, url  # never a link to the back-office photo
    assert served == [f"/do-dau/{DEMO_SPONSOR_LINK}/anh"]
