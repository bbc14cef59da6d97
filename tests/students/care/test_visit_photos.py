"""Visit photos: attached to a visit, re-encoded without EXIF/GPS, private, opened with audit."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import select

from app import private_files
from app.audit.models import AuditEntry
from app.extensions import db
from students.care.visit_photos import VisitPhoto
from tests.conftest import login
from tests.fixtures.campaigns import jpeg_bytes


def _gps_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (21.0, 2.0, 3.0), 3: "E", 4: (105.0, 50.0, 1.0)}  # GPS
    return jpeg_bytes(exif=exif)


def test_visit_with_photos_strips_gps_and_serves_privately(client, make_user, make_student, app):
    user = make_user("field", "a")
    student = make_student()
    login(client, user)
    response = client.post(
        f"/quan-tri/hoc-sinh/{student.public_id}/tham",
        data={
            "visited_on": "2026-10-01",
            "visitors": "Tổ công tác xã",
            "photos": [(io.BytesIO(_gps_jpeg()), "nha.jpg"), (io.BytesIO(jpeg_bytes()), "b.jpg")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    photos = db.session.execute(select(VisitPhoto)).scalars().all()
    assert len(photos) == 2
    stored = private_files.existing(photos[0].path)
    assert stored is not None and not str(stored).startswith(app.static_folder)
    with Image.open(stored) as image:
        assert 0x8825 not in image.getexif()
    detail = client.get(f"/quan-tri/hoc-sinh/{student.public_id}").get_data(as_text=True)
    assert f"/quan-tri/hoc-sinh/anh-tham/{photos[0].id}" in detail
    opened = client.get(f"/quan-tri/hoc-sinh/anh-tham/{photos[0].id}")
    assert opened.status_code == 200 and opened.mimetype.startswith("image/")
    assert db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "student.visit_photo_view")
    ).first()
    client.post("/dang-xuat")
    assert client.get(f"/quan-tri/hoc-sinh/anh-tham/{photos[0].id}").status_code in (302, 401)


def test_a_bad_photo_refuses_the_whole_visit(client, make_user, make_student):
    login(client, make_user("field", "a"))
    student = make_student()
    response = client.post(
        f"/quan-tri/hoc-sinh/{student.public_id}/tham",
        data={
            "visited_on": "2026-10-01",
            "visitors": "Tổ công tác xã",
            "photos": [(io.BytesIO(b"MZ not an image"), "x.jpg")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert db.session.execute(select(VisitPhoto)).first() is None
    db.session.refresh(student)
    assert student.visits == []
