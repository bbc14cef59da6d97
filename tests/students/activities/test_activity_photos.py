"""Activity photos: re-encoded without EXIF/GPS, private by default, public only when marked
public with a consent that allows it; the campaign page lists the public ones."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import select

from app import private_files, uow
from app.errors import DomainError, Forbidden
from app.extensions import db
from students.activities.photos import ActivityPhoto, add_photos, update_photo
from tests.conftest import login
from tests.fixtures.campaigns import jpeg_bytes


def _gps_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (21.0, 2.0, 3.0), 3: "E", 4: (105.0, 50.0, 1.0)}  # GPS
    return jpeg_bytes(exif=exif)


def test_uploaded_photos_lose_gps_and_stay_private(
    client, app, make_user, units, make_campaign, make_activity
):
    event = make_campaign("dem-nhac", unit="a", kind="event")
    activity = make_activity(event.id)
    login(client, make_user("field", "a"))
    response = client.post(
        f"/quan-tri/hoat-dong/{activity.id}/anh",
        data={
            "photos": [(io.BytesIO(_gps_jpeg()), "san-khau.jpg")],
            "caption": "Sân khấu",
            "consent": "none",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    photo = db.session.execute(select(ActivityPhoto)).scalar_one()
    assert (photo.public, photo.consent.value) == (False, "none")
    stored = private_files.existing(photo.path)
    assert stored is not None and not str(stored).startswith(app.static_folder)
    with Image.open(stored) as image:
        assert 0x8825 not in image.getexif()
    page = client.get(f"/quan-tri/hoat-dong/{activity.id}").text
    assert f"/quan-tri/hoat-dong/anh/{photo.id}" in page and "Nội bộ" in page
    assert client.get(f"/quan-tri/hoat-dong/anh/{photo.id}").status_code == 200
    client.post("/dang-xuat")
    assert client.get(f"/hoat-dong/anh/{photo.id}").status_code == 404  # private
    assert f"/hoat-dong/anh/{photo.id}" not in client.get("/chien-dich/dem-nhac").text


def test_a_photo_is_public_only_with_a_consent_that_allows_it(
    client, make_user, units, make_campaign, make_activity
):
    event = make_campaign("dem-nhac", unit="a", kind="event")
    activity = make_activity(event.id)
    field = make_user("field", "a")
    with pytest.raises(DomainError) as err:
        add_photos(field, activity, [jpeg_bytes()], consent="none", public=True)
    assert err.value.field == "public" and "đã đồng ý bằng văn bản" in str(err.value.message)
    with uow.transaction():  # the file is written once the unit of work commits
        (photo,) = add_photos(field, activity, [jpeg_bytes()], caption="Sân khấu", consent="none")
    with pytest.raises(Forbidden):
        update_photo(make_user("field", "b"), photo, caption="", consent="no_children", public=True)
    update_photo(field, photo, caption="Sân khấu", consent="no_children", public=True)
    db.session.commit()
    shown = client.get(f"/hoat-dong/anh/{photo.id}")
    assert shown.status_code == 200 and shown.mimetype.startswith("image/")
    assert shown.headers["Cache-Control"] == "no-store"
    page = client.get("/chien-dich/dem-nhac").text
    assert "Hoạt động gây quỹ" in page and f"/hoat-dong/anh/{photo.id}" in page
    update_photo(field, photo, caption="Sân khấu", consent="no_children", public=False)
    db.session.commit()
    assert client.get(f"/hoat-dong/anh/{photo.id}").status_code == 404  # taken back


def test_bad_uploads_are_refused_with_a_message(client, make_user, units, make_activity):
    activity = make_activity()
    field = make_user("field", "a")
    with pytest.raises(DomainError) as err:
        add_photos(field, activity, [])
    assert str(err.value.message) == "Vui lòng chọn ảnh."
    with pytest.raises(DomainError) as err:
        add_photos(field, activity, [jpeg_bytes()] * 7)
    assert str(err.value.message) == "Tối đa 6 ảnh một lần."
    with pytest.raises(DomainError):
        add_photos(field, activity, [b"not an image"])
    login(client, field)
    response = client.post(
        f"/quan-tri/hoat-dong/{activity.id}/anh",
        data={"photos": [(io.BytesIO(b"%PDF-1.4 no"), "a.jpg")], "consent": "none"},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert response.status_code == 200 and "Ảnh hoạt động" in response.text
    assert db.session.execute(select(ActivityPhoto)).first() is None
