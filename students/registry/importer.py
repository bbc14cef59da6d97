"""Import of a working group's review list (XLSX or CSV): parse, validate per row, preview, save."""

from __future__ import annotations

import csv
import io
import json
import secrets
import time
import zipfile
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from openpyxl import load_workbook
from sqlalchemy import select

from app import private_files, stored_text
from app.audit.service import record
from app.auth.guards import require_role, require_unit
from app.auth.models import User
from app.errors import DomainError, NotFound
from app.extensions import db
from app.security import uploads
from app.units.models import Commune, School
from students.registry import distance
from students.registry.codes import name_key
from students.registry.models import StudentStatus
from students.registry.services import (
    WRITERS,
    StudentData,
    check,
    create_student,
    duplicate_label,
    find_duplicate,
)

MAX_ROWS = 2000
MAX_COLUMNS = 60  # the template has about twenty; columns beyond are never read
MAX_BYTES = 5 * 1024 * 1024
# Previews wait under PRIVATE_FOLDER/imports/ (they name children) until confirmed or cancelled;
# one nobody came back to is deleted when a later preview is written.
PREVIEW_FOLDER = "imports"
PREVIEW_TTL = timedelta(hours=24)
_GONE = _l("Bản xem trước không tồn tại hoặc đã hết hạn.")
# The "duplicate" of a row that repeats an earlier row of the same file (shown translated).
IN_FILE = _l("trong tệp")
# Header (without diacritics) → field. Several spellings of the same column are accepted.
HEADERS = {
    "ho va ten": "full_name",
    "ho ten": "full_name",
    "ten hoc sinh": "full_name",
    "ngay sinh": "birth_date",
    "gioi tinh": "gender",
    "dan toc": "ethnicity",
    "truong": "school",
    "khoi": "grade",
    "lop": "class_name",
    "xa/phuong": "commune",
    "xa": "commune",
    "nguoi giam ho": "guardian_name",
    "sdt nguoi giam ho": "guardian_phone",
    "so dien thoai": "guardian_phone",
    "hoan canh": "situations",
    "khoang cach (km)": "distance",
    "khoang cach": "distance",
    "so ngay nghi": "absences",
    "luu ban": "repeated_grade",
    "tinh trang": "status",
    "ghi chu": "notes",
}
TEMPLATE_HEADERS = [
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Dân tộc",
    "Trường",
    "Khối",
    "Lớp",
    "Xã/phường",
    "Người giám hộ",
    "SĐT người giám hộ",
    "Hoàn cảnh",
    "Khoảng cách (km)",
    "Số ngày nghỉ",
    "Lưu ban",
    "Tình trạng",
    "Ghi chú",
]
GENDERS = {"nam": "male", "nu": "female", "khac": "other"}
SITUATIONS = {
    "ho ngheo": "poor",
    "ngheo": "poor",
    "can ngheo": "near_poor",
    "ho can ngheo": "near_poor",
    "mo coi": "orphan",
    "khuyet tat": "disability",
    "khac": "other",
}
STATUSES = {
    "co nguy co bo hoc": "at_risk",
    "nguy co": "at_risk",
    "khong ra lop": "not_attending",
    "bo hoc": "dropped_out",
    "da bo hoc": "dropped_out",
    "tro lai lop": "returned",
    "da tro lai lop": "returned",
    "tot nghiep": "graduated",
    "chuyen di": "moved",
}
YES = {"co", "x", "1", "yes", "true"}


@dataclass
class Row:
    """One line of the file with its verdict."""

    line: int
    raw: dict
    # Each error as `stored_text.pack` keeps it: the preview file is read in a later request.
    errors: list = field(default_factory=list)
    duplicate: str = ""  # public id of the student already registered, or IN_FILE in Vietnamese
    ok: bool = False

    @property
    def error_text(self) -> str:
        """The row's errors in the reader's language."""
        return " ".join(stored_text.unpack(error) for error in self.errors)


class RowErrors(DomainError):
    """Every problem of one row, each its own message."""

    def __init__(self, messages: list) -> None:
        # One message for callers that only show `err.message`, joined in the reader's language.
        super().__init__(LazyString(_joined, messages))
        self.messages = messages


def _joined(messages: list) -> str:
    return " ".join(str(m) for m in messages)


def _cells(data: bytes, filename: str) -> list[list]:
    name = filename.lower()
    if len(data) > MAX_BYTES:
        raise DomainError(_l("Tệp quá lớn (tối đa 5 MB)."), field="file")
    if name.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        uploads.check_xlsx(data)  # inflated size and parts, before openpyxl reads anything
        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError):
            raise DomainError(
                _l("Tệp không phải bảng tính Excel (.xlsx) hợp lệ."), field="file"
            ) from None
        sheet = wb.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS)
        return uploads.limited_rows(sheet, MAX_ROWS)
    if name.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DomainError(
                _l("Tệp CSV phải được lưu với bảng mã UTF-8."), field="file"
            ) from None
        if "\x00" in text:
            raise DomainError(_l("Tệp không phải CSV dạng văn bản."), field="file")
        dialect = csv.Sniffer().sniff(text[:2000], delimiters=",;\t") if text.strip() else csv.excel
        return uploads.limited_rows(
            (r[:MAX_COLUMNS] for r in csv.reader(io.StringIO(text), dialect)), MAX_ROWS
        )
    raise DomainError(_l("Chỉ nhận tệp bảng tính .xlsx hoặc .csv."), field="file")


def _date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise ValueError(_l("Ngày sinh “%(text)s” không hợp lệ (dạng ngày/tháng/năm).", text=text))


def _plain(value):
    """Cell values as text that survives the preview file (dates as ISO days)."""
    if isinstance(value, datetime):
        value = value.date()
    return value.isoformat() if isinstance(value, date) else value


def _int(value, label, default: int = 0) -> int:
    text = str(value if value is not None else "").strip().replace(",", ".")
    if not text:
        return default
    if text.endswith(".0"):
        text = text[:-2]
    if not text.isdigit():
        raise ValueError(_l("%(label)s “%(text)s” phải là số nguyên.", label=label, text=text))
    return int(text)


def _lookup(model, value, label, required: bool) -> int | None:
    text = str(value or "").strip()
    if not text:
        if required:
            raise ValueError(_l("Thiếu %(label)s.", label=label))
        return None
    key = name_key(text)
    for obj in db.session.execute(select(model)).scalars():
        if name_key(obj.name) == key:
            return obj.id
    raise ValueError(
        _l("Không tìm thấy %(label)s “%(text)s” trong danh mục.", label=label, text=text)
    )


def _parse_row(raw: dict, unit_id: int) -> StudentData:
    problems = []

    def take(fn, *args):
        try:
            return fn(*args)
        except ValueError as err:
            problems.append(err.args[0] if err.args else str(err))
            return None

    gender = GENDERS.get(name_key(str(raw.get("gender") or "")))
    if gender is None:
        problems.append(_l("Giới tính phải là Nam, Nữ hoặc Khác."))
    situations = []
    for part in str(raw.get("situations") or "").replace(";", ",").split(","):
        if part.strip():
            value = SITUATIONS.get(name_key(part))
            if value is None:
                problems.append(_l("Hoàn cảnh “%(text)s” không rõ.", text=part.strip()))
            else:
                situations.append(value)
    status_text = name_key(str(raw.get("status") or ""))
    status = STATUSES.get(status_text, "at_risk" if not status_text else None)
    if status is None:
        problems.append(_l("Tình trạng “%(text)s” không rõ.", text=raw.get("status")))
    data = StudentData(
        full_name=str(raw.get("full_name") or ""),
        birth_date=take(_date, raw.get("birth_date")) or date(1900, 1, 1),
        gender=gender or "other",
        ethnicity=str(raw.get("ethnicity") or ""),
        school_id=take(_lookup, School, raw.get("school"), _l("trường"), True) or 0,
        grade=take(_int, raw.get("grade"), _l("Khối")) or 0,
        class_name=str(raw.get("class_name") or ""),
        commune_id=take(_lookup, Commune, raw.get("commune"), _l("xã/phường"), False),
        guardian_name=str(raw.get("guardian_name") or ""),
        guardian_phone=str(raw.get("guardian_phone") or ""),
        situations=situations,
        distance_m=take(distance.parse, raw.get("distance")) or 0,
        absences=take(_int, raw.get("absences"), _l("Số ngày nghỉ")) or 0,
        repeated_grade=name_key(str(raw.get("repeated_grade") or "")) in YES,
        status=status or StudentStatus.at_risk.value,
        notes=str(raw.get("notes") or ""),
        unit_id=unit_id,
    )
    if problems:
        raise RowErrors(problems)
    return data


def analyse(actor: User, data: bytes, filename: str, unit_id: int) -> list[Row]:
    """Every row of the file, validated, with duplicates (in the registry or the file) marked."""
    require_role(actor, WRITERS)
    require_unit(actor, unit_id)
    cells = _cells(data, filename)
    if not cells:
        raise DomainError(_l("Tệp trống."), field="file")
    columns = [HEADERS.get(name_key(str(h or ""))) for h in cells[0]]
    if "full_name" not in columns or "birth_date" not in columns or "school" not in columns:
        raise DomainError(
            _l(
                "Không thấy các cột bắt buộc: “Họ và tên”, “Ngày sinh”, “Trường”. Hãy dùng tệp mẫu."
            ),
            field="file",
        )
    body = [r for r in cells[1:] if any(str(c or "").strip() for c in r)]
    if len(body) > MAX_ROWS:
        raise DomainError(_l("Tối đa %(n)s dòng mỗi lần nhập.", n=MAX_ROWS), field="file")
    out: list[Row] = []
    seen: set[tuple] = set()
    for offset, values in enumerate(body, start=2):
        raw = {col: values[i] for i, col in enumerate(columns) if col and i < len(values)}
        raw = {k: _plain(v) for k, v in raw.items()}
        row = Row(line=offset, raw={k: ("" if v is None else str(v)) for k, v in raw.items()})
        try:
            clean = check(actor, _parse_row(raw, unit_id))
        except RowErrors as err:
            row.errors.extend(stored_text.pack(message) for message in err.messages)
        except DomainError as err:
            row.errors.append(stored_text.pack(err.message))
        else:
            key = (clean["name_key"], clean["birth_date"], clean["school_id"])
            other = find_duplicate(clean)
            if other is not None:
                label = duplicate_label(actor, other)  # no id from another unit
                row.duplicate = label if isinstance(label, str) else stored_text.vietnamese(label)
            elif key in seen:
                row.duplicate = stored_text.vietnamese(IN_FILE)
            seen.add(key)
            row.ok = True
        out.append(row)
    return out


def _folder() -> Path:
    return private_files.root() / PREVIEW_FOLDER


def _preview_path(token: str) -> Path:
    if not token or len(token) > 64 or not token.replace("-", "").replace("_", "").isalnum():
        raise NotFound(_GONE)
    return _folder() / f"{token}.json"


def _cutoff(now: float | None = None) -> float:
    return (time.time() if now is None else now) - PREVIEW_TTL.total_seconds()


def sweep_previews(now: float | None = None) -> int:
    """Delete previews older than PREVIEW_TTL (never confirmed or cancelled); returns how many."""
    folder = _folder()
    if not folder.is_dir():
        return 0
    cutoff = _cutoff(now)
    removed = 0
    for path in folder.glob("*.json"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
        except OSError:  # gone meanwhile, or cannot be deleted now: the next sweep tries again
            continue
    return removed


def save_preview(actor: User, rows: list[Row], unit_id: int) -> str:
    """Keep the analysed rows for the confirm step; returns the token. Sweeps stale previews."""
    sweep_previews()
    token = secrets.token_urlsafe(16)
    payload = {"user_id": actor.id, "unit_id": unit_id, "rows": [asdict(r) for r in rows]}
    data = json.dumps(payload, ensure_ascii=False).encode()
    private_files.write_atomically(_preview_path(token), data)
    return token


def load_preview(actor: User, token: str) -> tuple[list[Row], int]:
    """The rows of a preview this user made (one older than PREVIEW_TTL has expired)."""
    path = _preview_path(token)
    try:
        if path.stat().st_mtime < _cutoff():
            path.unlink(missing_ok=True)
            raise NotFound(_GONE)
        payload = json.loads(path.read_text())
    except (OSError, ValueError):
        raise NotFound(_GONE) from None
    if payload.get("user_id") != actor.id:
        raise NotFound(_GONE)
    return [Row(**r) for r in payload["rows"]], payload["unit_id"]


def discard_preview(actor: User, token: str) -> None:
    """Cancel: delete the preview (only its author can)."""
    load_preview(actor, token)
    _preview_path(token).unlink(missing_ok=True)


def confirm(actor: User, token: str) -> int:
    """Create the valid, non-duplicate rows of a preview; returns how many were added."""
    rows, unit_id = load_preview(actor, token)
    added = 0
    for row in rows:
        if row.errors or row.duplicate:
            continue
        data = _parse_row(row.raw, unit_id)
        if find_duplicate(check(actor, data)) is not None:
            continue  # someone added the same child since the preview
        create_student(actor, data)
        added += 1
    record(
        actor,
        "student.import",
        None,
        _l("Nhập %(n)s học sinh từ tệp", n=added),
        target_type="Student",
    )
    # Deleted once the students are saved: a failed confirm can be tried again.
    private_files.delete_after_commit(f"{PREVIEW_FOLDER}/{_preview_path(token).name}")
    return added
