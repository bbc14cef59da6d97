"""Private files follow the database: consent scans, the shared helper, import previews."""

from __future__ import annotations

import io
import logging
import os
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from app import private_files, uow
from app.errors import Conflict, DomainError, NotFound
from app.extensions import db
from students.care import services as services_care
from students.care.models import Consent
from students.registry import importer
from students.registry.models import Student
from tests.conftest import login
from tests.fixtures.documents import pdf_bytes
from tests.fixtures.students import consent_with_scan, import_row, import_xlsx

NAME = "Lò Thị Xem Trước"


def _png(colour=(1, 2, 3)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (12, 10), colour).save(out, "PNG")
    return out.getvalue()


def _files(app, folder: str) -> set[Path]:
    base = Path(app.config["PRIVATE_FOLDER"]) / folder
    return {p for p in base.rglob("*") if p.is_file()} if base.exists() else set()


def _consents() -> list[Consent]:
    db.session.expire_all()
    return list(db.session.execute(select(Consent)).scalars())


def _post_consent(client, public_id: str, data: bytes, name: str, **fields):
    form = {
        "guardian_name": "Lò Văn Giám",
        "given_on": date(2026, 9, 1).isoformat(),
        "scope": "basic",
        "child_agreed": "y",
        "scan": (io.BytesIO(data), name),
        **fields,
    }
    return client.post(
        f"/quan-tri/hoc-sinh/{public_id}/dong-y", data=form, content_type="multipart/form-data"
    )


# --- consent scans -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "ctype"),
    [(_png(), "giay.png", "image/jpeg"), (pdf_bytes("giay dong y"), "giay.pdf", None)],
    ids=["image", "pdf"],
)
def test_a_recorded_consent_writes_exactly_one_scan(
    app, client, make_student, login_as, data, name, ctype
):
    student = make_student()
    login_as("field", "a")
    before = _files(app, services_care.SCAN_FOLDER)
    response = _post_consent(client, student.public_id, data, name)
    assert response.status_code == 302, response.data[:500]
    (consent,) = _consents()
    (written,) = _files(app, services_care.SCAN_FOLDER) - before
    assert consent.scan_path == f"{services_care.SCAN_FOLDER}/{written.name}"
    served = client.get(f"/quan-tri/hoc-sinh/dong-y/{consent.id}/ban-quet")
    assert served.status_code == 200
    assert served.data == written.read_bytes()
    if ctype is None:  # a PDF is kept as sent
        assert served.mimetype == "application/pdf" and served.data == data
    else:  # an image is re-encoded (opaque: JPEG)
        assert served.mimetype == ctype


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"MZ\x90\x00 not a pdf", "giay.pdf", "không phải là PDF"),
        (b"%PDF-1.4\n" + b"0" * private_files.MAX_PDF_BYTES, "giay.pdf", "PDF quá lớn"),
        (b"not an image", "giay.jpg", "không phải là ảnh"),
    ],
    ids=["fake-pdf", "big-pdf", "fake-image"],
)
def test_a_refused_scan_shows_on_its_field_and_stores_nothing(
    app, client, make_student, login_as, data, name, message
):
    student = make_student()
    login_as("field", "a")
    before = _files(app, services_care.SCAN_FOLDER)
    response = _post_consent(client, student.public_id, data, name)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert not _consents()
    assert _files(app, services_care.SCAN_FOLDER) == before


def test_a_consent_that_fails_after_the_upload_leaves_no_file(
    app, client, make_student, login_as, monkeypatch
):
    student = make_student()
    login_as("field", "a")
    before = _files(app, services_care.SCAN_FOLDER)

    # A rule of the same form refused after the scan was read: nothing is written.
    future = (date.today() + timedelta(days=3)).isoformat()
    response = _post_consent(client, student.public_id, _png(), "giay.png", given_on=future)
    assert response.status_code == 422 and "tương lai" in response.get_data(as_text=True)

    # The service fails after the scan was checked and the row flushed: still nothing.
    def refuse(*_args, **_kwargs):
        raise Conflict("Hỏng giữa chừng (thử).")

    monkeypatch.setattr(services_care, "record", refuse)
    response = _post_consent(client, student.public_id, _png(), "giay.png")
    assert response.status_code == 200 and "Hỏng giữa chừng" in response.get_data(as_text=True)
    assert not _consents()
    assert _files(app, services_care.SCAN_FOLDER) == before


def test_a_rolled_back_consent_writes_no_scan_even_if_something_commits_later(
    app, make_student, make_user
):
    student = make_student()
    before = _files(app, services_care.SCAN_FOLDER)
    consent_with_scan(make_user("field", "a"), student)
    uow.rollback()
    uow.commit()
    assert not _consents()
    assert _files(app, services_care.SCAN_FOLDER) == before


def test_a_scan_that_was_never_written_answers_404_not_500(app, client, make_student, make_user):
    student = make_student()
    consent = consent_with_scan(make_user("admin"), student)
    uow.commit()
    private_files.absolute(consent.scan_path).unlink()
    login(client, make_user("manager", "a"))
    assert client.get(f"/quan-tri/hoc-sinh/dong-y/{consent.id}/ban-quet").status_code == 404


# --- the shared helper -----------------------------------------------------------------------


def test_replacing_removes_the_old_file_only_after_commit(app, ctx):
    old = private_files.image(_png((9, 9, 9)), "thu")
    private_files.save_after_commit([old])
    assert not private_files.absolute(old.relative).exists()
    uow.commit()
    old_path = private_files.absolute(old.relative)
    assert old_path.is_file()

    # Rolled back: the new file is not written and the old one stays.
    new = private_files.image(_png((8, 8, 8)), "thu")
    private_files.save_after_commit([new], replaced=[old.relative])
    uow.rollback()
    uow.commit()
    assert old_path.is_file() and not private_files.absolute(new.relative).exists()

    # Committed: exactly the new file remains.
    new = private_files.image(_png((7, 7, 7)), "thu")
    private_files.save_after_commit([new], replaced=[old.relative])
    assert old_path.is_file()
    uow.commit()
    assert _files(app, "thu") == {private_files.absolute(new.relative)}
    private_files.delete_after_commit(new.relative)
    uow.commit()
    assert _files(app, "thu") == set()


def test_a_failed_write_after_commit_is_logged_and_keeps_the_old_file(
    app, ctx, monkeypatch, caplog
):
    old = private_files.image(_png((5, 5, 5)), "thu-loi")
    private_files.save_after_commit([old])
    uow.commit()
    new = private_files.image(_png((6, 6, 6)), "thu-loi")
    private_files.save_after_commit([new], replaced=[old.relative])

    def disk_full(self, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", disk_full)
    with caplog.at_level(logging.ERROR, logger="app.private_files"):
        uow.commit()  # the rows are committed: nothing is raised
    assert "could not write private file" in caplog.text
    monkeypatch.undo()
    assert private_files.absolute(old.relative).is_file()
    assert _files(app, "thu-loi") == {private_files.absolute(old.relative)}  # no temp file left


def test_paths_outside_the_private_folder_are_refused(app, ctx):
    with pytest.raises(DomainError):
        private_files.absolute("../../etc/passwd")
    with pytest.raises(DomainError):
        private_files.pdf(b"%PDF-1.4", "x", max_bytes=4)


# --- import previews -------------------------------------------------------------------------


def _previews(app) -> set[Path]:
    return {p for p in _files(app, importer.PREVIEW_FOLDER) if p.suffix == ".json"}


def _preview(client, units, places) -> str:
    school = places["school_a"].name
    response = client.post(
        "/quan-tri/hoc-sinh/nhap",
        data={
            "unit_id": units["a"].id,
            "file": (io.BytesIO(import_xlsx([import_row(NAME, "01/06/2012", school)])), "ds.xlsx"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.data[:500]
    return response.headers["Location"]


def _students() -> int:
    return db.session.execute(select(func.count(Student.id))).scalar_one()


def test_confirming_an_import_deletes_its_preview(app, client, make_user, units, places):
    login(client, make_user("field", "a"))
    before = _previews(app)
    url = _preview(client, units, places)
    (preview,) = _previews(app) - before
    assert client.post(url).status_code == 302
    assert _students() == 1
    assert not preview.exists()
    assert client.get(url).status_code == 404


def test_a_failed_confirm_keeps_the_preview_to_try_again(
    app, client, make_user, units, places, monkeypatch
):
    login(client, make_user("field", "a"))
    before = _previews(app)
    url = _preview(client, units, places)
    (preview,) = _previews(app) - before

    def refuse(*_args, **_kwargs):
        raise Conflict("Hỏng giữa chừng (thử).")

    monkeypatch.setattr(importer, "record", refuse)
    assert client.post(url).status_code == 200
    assert _students() == 0 and preview.exists()
    monkeypatch.undo()
    assert client.post(url).status_code == 302
    assert _students() == 1 and not preview.exists()


def test_cancelling_an_import_deletes_its_preview_and_only_its_author_can(
    app, client, make_user, units, places
):
    login(client, make_user("field", "a"))
    before = _previews(app)
    url = _preview(client, units, places)
    (preview,) = _previews(app) - before
    page = client.get(url).get_data(as_text=True)
    assert f"{url}/huy" in page
    other = app.test_client()
    login(other, make_user("field", "a"))
    assert other.post(f"{url}/huy").status_code == 404
    assert preview.exists()
    response = client.post(f"{url}/huy")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/quan-tri/hoc-sinh/nhap")
    assert not preview.exists()
    assert client.get(url).status_code == 404
    assert _students() == 0


def test_previews_older_than_a_day_are_deleted_when_a_new_one_is_written(
    app, client, make_user, units, places
):
    login(client, make_user("field", "a"))
    folder = Path(app.config["PRIVATE_FOLDER"]) / importer.PREVIEW_FOLDER

    def token_file(url: str) -> Path:
        return folder / f"{url.rsplit('/', 1)[-1]}.json"

    stale_url, recent_url = _preview(client, units, places), _preview(client, units, places)
    stale, recent = token_file(stale_url), token_file(recent_url)
    day_ago = time.time() - importer.PREVIEW_TTL.total_seconds()
    os.utime(stale, (day_ago - 60, day_ago - 60))
    os.utime(recent, (day_ago + 3600, day_ago + 3600))
    fresh = token_file(_preview(client, units, places))
    assert not stale.exists()
    assert recent.exists() and fresh.exists()
    # One that expires before anyone writes a new preview is refused (and deleted) on opening.
    os.utime(recent, (day_ago - 1, day_ago - 1))
    assert client.get(recent_url).status_code == 404
    assert client.post(recent_url).status_code == 404
    assert not recent.exists() and _students() == 0


def test_sweep_removes_only_stale_previews(app, ctx):
    folder = private_files.root() / importer.PREVIEW_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    old, new = folder / "cu.json", folder / "moi.json"
    old.write_text("{}")
    new.write_text("{}")
    now = time.time()
    os.utime(old, (now - 25 * 3600, now - 25 * 3600))
    assert importer.sweep_previews(now) == 1
    assert not old.exists() and new.exists()
    new.unlink()
    with pytest.raises(NotFound):
        importer.load_preview(None, "../../etc/passwd")  # type: ignore[arg-type]
