"""Statement uploads: stored, imported on the job queue, watched on a progress page; bad files
refused before parsing; the same file never counted twice; files deleted after retention."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.dbtypes import utcnow
from app.extensions import db
from app.ledger import service as ledger
from donations.bank import uploads
from donations.bank.models import BankTransaction, StatementImport
from donations.bank.statement_limits import check_file
from donations.bank.statement_reader import Limits, StatementError
from tests.conftest import login
from tests.fixtures.donations import rows_for, write_csv, write_xlsx

URL = "/quan-tri/ung-ho/sao-ke"


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.fixture
def pledges(ctx, make_bank_pledge, make_campaign):
    campaign = make_campaign(unit="province")
    return [make_bank_pledge(campaign, amount=100_000 * (i + 1)) for i in range(6)]


@pytest.fixture
def treasurer(client, make_user):
    login(client, make_user("treasurer"))
    return client


def upload(client, data: bytes, name: str):
    return client.post(
        URL, data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


def test_an_upload_is_imported_by_the_queue_and_its_page_shows_the_outcome(
    treasurer, pledges, tmp_path
):
    extra = [[91, "21/11/2026", "FT901", "", "300.000", "", "ung ho khong ghi ma"]]
    path = write_csv(tmp_path / "web.csv", rows_for(pledges, extra))
    response = upload(treasurer, path.read_bytes(), "web.csv")
    assert response.status_code == 302
    record = db.session.execute(select(StatementImport)).scalar_one()
    assert response.headers["Location"].endswith(f"/sao-ke/{record.id}")
    # The job ran after the upload's commit (tests run jobs at once), chunk by chunk.
    assert record.status == "done" and record.job_id
    assert (record.rows, record.matched, record.to_review) == (7, 6, 1)
    assert ledger.balance("campaign:hoc-bong-thu") == sum(p.amount for p in pledges)
    stored = Path(treasurer.application.config["PRIVATE_FOLDER"]) / "statements"
    assert (stored / record.stored_name).read_bytes() == path.read_bytes()

    page = treasurer.get(f"{URL}/{record.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Đã nhập xong" in html
    assert 'value="100"' in html and "http-equiv" not in html  # finished: no refresh
    data = treasurer.get(f"{URL}/{record.id}/tien-do").get_json()
    assert data["finished"] and data["matched"] == 6 and data["to_review"] == 1
    actions = set(db.session.execute(select(AuditEntry.action)).scalars())
    assert {"statement.upload", "statement.import"} <= actions


def test_the_progress_page_reads_the_counters_saved_in_the_database(treasurer, pledges):
    # An import half-way (what a reload in the middle of a long import shows).
    record = StatementImport(
        filename="lon.csv",
        sha256="a" * 64,
        status="running",
        rows_expected=1000,
        rows=400,
        matched=350,
        to_review=40,
        duplicates=10,
    )
    db.session.add(record)
    db.session.commit()
    html = treasurer.get(f"{URL}/{record.id}").get_data(as_text=True)
    assert "Đang nhập" in html and 'value="40"' in html  # 400 of 1000 rows
    assert '<meta http-equiv="refresh"' in html  # without JavaScript the page refreshes
    assert "js/import_progress.js" in html and "Tải lại trang" in html
    data = treasurer.get(f"{URL}/{record.id}/tien-do").get_json()
    assert data == {
        **data,
        "status": "running",
        "read": 400,
        "total": 1000,
        "percent": 40,
        "matched": 350,
        "to_review": 40,
        "duplicates": 10,
        "finished": False,
    }


def test_the_same_file_uploaded_again_is_refused_and_nothing_counts_twice(
    treasurer, pledges, tmp_path
):
    data = write_csv(tmp_path / "s.csv", rows_for(pledges)).read_bytes()
    assert upload(treasurer, data, "s.csv").status_code == 302
    again = upload(treasurer, data, "sao-ke-thang-11.csv")
    assert again.status_code == 422
    assert "Tệp này đã được nhập lúc" in again.get_data(as_text=True)
    assert count(StatementImport) == 1 and count(BankTransaction) == 6
    assert ledger.balance("campaign:hoc-bong-thu") == sum(p.amount for p in pledges)


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
    return out.getvalue()


def _sheet(dimension: str) -> bytes:
    return (
        '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData/></worksheet>'
    ).encode()


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("cols.csv", "Ngày;Số tiền;Ghi chú\n20/11/2026;100000;x\n".encode(), "tiêu đề"),
        ("empty.csv", b"", "rỗng"),
        ("bomb.xlsx", _zip({"xl/worksheets/sheet1.xml": b"0" * 5_000_000}), "giải nén ra quá lớn"),
        ("tall.xlsx", _zip({"xl/worksheets/sheet1.xml": _sheet("A1:G1048576")}), "quá nhiều dòng"),
        ("wide.xlsx", _zip({"xl/worksheets/sheet1.xml": _sheet("A1:XFD10")}), "quá nhiều cột"),
        ("photo.xlsx", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "ảnh"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message_and_nothing_is_queued(
    treasurer, pledges, name, content, fragment
):
    response = upload(treasurer, content, name)
    assert response.status_code == 422
    assert fragment in response.get_data(as_text=True)
    assert count(StatementImport) == 0 and count(BankTransaction) == 0


def test_a_truncated_xlsx_is_refused(treasurer, pledges, tmp_path):
    whole = write_xlsx(tmp_path / "s.xlsx", rows_for(pledges)).read_bytes()
    response = upload(treasurer, whole[: len(whole) // 2], "s.xlsx")
    assert response.status_code == 422
    assert "bị cắt cụt" in response.get_data(as_text=True)
    assert count(StatementImport) == 0


def test_size_and_row_limits_are_checked_before_parsing(tmp_path):
    path = tmp_path / "s.csv"
    path.write_bytes(b"Ngay;Ghi co;Noi dung\n" + b"01/11/2026;1;x\n" * 50)
    assert check_file(path, "s.csv") == 52
    with pytest.raises(StatementError, match="quá lớn"):
        check_file(path, "s.csv", Limits(max_bytes=100))
    with pytest.raises(StatementError, match="quá nhiều dòng"):
        check_file(path, "s.csv", Limits(max_rows=10))


def test_uploaded_files_are_deleted_after_the_retention_period(app, pledges, tmp_path):
    folder = uploads.statement_dir()
    old = StatementImport(filename="cu.csv", sha256="b" * 64, stored_name="cu.csv")
    new = StatementImport(filename="moi.csv", sha256="c" * 64, stored_name="moi.csv")
    old.created_at = utcnow() - timedelta(days=app.config["BANK_UPLOAD_RETENTION_DAYS"] + 1)
    db.session.add_all([old, new])
    for name in ("cu.csv", "moi.csv"):
        (folder / name).write_text("x")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["bank", "purge-uploads"])
    assert result.exit_code == 0 and "Đã xoá 1 tệp" in result.output
    assert not (folder / "cu.csv").exists() and (folder / "moi.csv").exists()
    db.session.expire_all()
    assert old.stored_name == "" and old.file_deleted_at is not None
    assert new.stored_name == "moi.csv"


def test_an_import_whose_file_went_away_fails_clearly_and_can_be_uploaded_again(
    treasurer, pledges, tmp_path
):
    data = write_csv(tmp_path / "s.csv", rows_for(pledges)).read_bytes()
    record = StatementImport(filename="s.csv", sha256="d" * 64, status="queued")
    db.session.add(record)
    db.session.commit()
    uploads.run_import.now(record.id)
    db.session.expire_all()
    assert record.status == "failed" and "tải lên lại" in record.error
    html = treasurer.get(f"{URL}/{record.id}").get_data(as_text=True)
    assert "Không nhập được" in html and "tải lên lại" in html
    assert upload(treasurer, data, "s.csv").status_code == 302
    assert count(BankTransaction) == 6


def test_readers_see_progress_but_only_the_treasury_uploads(client, make_user, pledges):
    record = StatementImport(filename="s.csv", sha256="e" * 64, status="done")
    db.session.add(record)
    db.session.commit()
    login(client, make_user("auditor"))
    assert client.get(f"{URL}/{record.id}").status_code == 200
    assert client.get(URL).status_code == 403
    assert client.post(f"{URL}/{record.id}/chay-tiep").status_code == 403
    client.post("/dang-xuat")
    login(client, make_user("field", "a"))
    assert client.get(f"{URL}/{record.id}/tien-do").status_code == 403


def test_the_worker_purges_old_uploads_every_night(app, pledges):
    old = StatementImport(filename="cu.csv", sha256="9" * 64, stored_name="dem.csv")
    old.created_at = utcnow() - timedelta(days=app.config["BANK_UPLOAD_RETENTION_DAYS"] + 5)
    db.session.add(old)
    (uploads.statement_dir() / "dem.csv").write_text("x")
    db.session.commit()
    task = uploads.purge_uploads_daily.s()
    assert task.validate_datetime(datetime(2026, 12, 2, 3, 17))
    assert not task.validate_datetime(datetime(2026, 12, 2, 15, 17))
    uploads.purge_uploads_daily.call_local()
    db.session.expire_all()
    assert old.stored_name == "" and not (uploads.statement_dir() / "dem.csv").exists()
