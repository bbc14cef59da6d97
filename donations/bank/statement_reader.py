"""Streaming reader of bank statement files (CSV, XLSX) exported by Vietnamese banks."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
import math
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import IO, Any

from flask_babel import lazy_gettext as _l

from app.text import strip_diacritics

HEADER_SEARCH_ROWS = 80
BLANK_STRETCH = 2  # consecutive empty rows that end a section
CSV_SNIFF_LINES = 200
CSV_SNIFF_CHARS = 256 * 1024

# Synonyms in priority order (lower-cased, no diacritics, punctuation folded to spaces);
# they match whole words, so "date" does not match "update".
FIELD_SYNONYMS: dict[str, tuple[str, ...]] = {
    "date": ("ngay giao dich", "ngay hach toan", "ngay gd", "tnx date", "transaction date", "date"),
    "credit": ("so tien ghi co", "phat sinh co", "ghi co", "credit"),
    "debit": ("so tien ghi no", "phat sinh no", "ghi no", "debit"),
    "memo": ("noi dung", "mo ta", "dien giai", "transactions in detail", "description"),
    "reference": ("so tham chieu", "so ct", "doc no", "reference", "ma giao dich"),
    "balance": ("so du", "balance"),
}
REQUIRED_FIELDS = ("date", "credit", "memo")
# "name (the headers looked for)": the part before " (" names the column in short.
_FIELD_NAMES = {
    "date": _l("ngày giao dịch (Ngày GD, Ngày hạch toán, Date)"),
    "credit": _l("số tiền ghi có (Số tiền ghi có, Phát sinh có, Credit)"),
    "memo": _l("nội dung (Nội dung, Mô tả, Diễn giải, Description)"),
}
_FOOTER_WORDS = ("tong", "total", "cong phat sinh", "so du cuoi ky", "closing balance")

# A formula in the balance column does not matter: we never read it.
_FORMULA_CHECKED = ("date", "credit", "debit", "memo", "reference")
_DATE_OR_MONEY = ("date", "credit", "debit")
_FIELDS = ("date", "credit", "debit", "memo", "reference")  # the order of _Header.where

# Reasons and messages are lazy translations: shown in the treasurer's language, and the
# import report keeps them as messages (app.stored_text).
REASON_DEBIT = _l("Giao dịch ghi nợ (tiền ra), bỏ qua")
REASON_FORMULA = _l("Ô chứa công thức")
REASON_NO_AMOUNT = _l("Không có số tiền ghi có")
REASON_BOTH = _l("Dòng có cả số tiền ghi nợ và ghi có, cần kiểm tra tay")

_MAGIC = (
    (b"\xd0\xcf\x11\xe0", _l("tệp Excel 97–2003 (.xls) hoặc tệp Excel có đặt mật khẩu")),
    (b"%PDF", _l("tệp PDF")),
    (b"\x89PNG", _l("tệp ảnh")),
    (b"\xff\xd8", _l("tệp ảnh")),
)
_NON_WORD_RE = re.compile(r"[^a-z0-9]+")
_SPACE_RE = re.compile(r"\s+")
_DATE_RE = re.compile(
    r"(?:(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4}|\d{2})"
    r"|(?P<Y>\d{4})-(?P<M>\d{1,2})-(?P<D>\d{1,2}))"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?)?"
)
_REF_TOKEN_RE = re.compile(r"[\w./-]+")
_CURRENCY_RE = re.compile(r"^(?:vnd|vnđ|₫)\s*|\s*(?:vnd|vnđ|đ|₫|d)\.?$", re.IGNORECASE)
_GROUPED_RE = re.compile(
    r"\d{1,3}(?P<sep>[., ])\d{3}(?:(?P=sep)\d{3})*(?:(?P<dec>[.,])(?P<frac>\d+))?"
)
_DECIMAL_RE = re.compile(r"\d+(?:[.,](?P<frac>\d+))?")

Cell = tuple[Any, bool]  # (value, is a formula)
Source = str | os.PathLike[str] | IO[bytes]


class StatementError(ValueError):
    """The file cannot be read as a bank statement; the message is for the treasurer."""


@dataclass(frozen=True)
class Limits:
    """What a statement may hold. A bank's monthly export is far below these; a file beyond
    them (a zip bomb, a sheet of a million empty rows) is refused before it is parsed."""

    max_bytes: int = 20 * 1024 * 1024  # the file as uploaded
    max_rows: int = 300_000  # rows of a sheet or lines of a CSV
    max_columns: int = 60
    max_uncompressed: int = 250 * 1024 * 1024  # all parts of an .xlsx, unpacked
    max_ratio: int = 200  # unpacked size / packed size of any part of an .xlsx


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class StatementRow:
    """One credit (money in) transaction read from a statement."""

    line_no: int
    date: dt.date
    amount: int
    memo: str
    reference: str | None
    raw: dict[str, str] = field(hash=False, repr=False)


@dataclass(frozen=True)
class RowProblem:
    """A row that was skipped, with the reason shown to the treasurer (a lazy translation)."""

    line_no: int
    reason: Any


@dataclass(frozen=True)
class _Header:
    """Where each known field sits in the table, and every column's label."""

    columns: dict[str, int]
    labels: tuple[str, ...]

    def __post_init__(self) -> None:
        # Looked up once per table rather than for every row: the columns whose formulas
        # are refused (column, is a date or money column), and each field's column or -1.
        checked = tuple(
            (self.columns[name], name in _DATE_OR_MONEY)
            for name in _FORMULA_CHECKED
            if name in self.columns
        )
        object.__setattr__(self, "checked", checked)
        where = tuple(self.columns.get(name, -1) for name in _FIELDS)
        object.__setattr__(self, "where", where)


class _CellError(ValueError):
    """A cell could not be read; the message is the row problem's reason."""


def _norm(value: Any) -> str:
    """Fold a label for synonym matching: lower-case, no diacritics, words separated by spaces."""
    if not isinstance(value, str):
        return ""
    return _NON_WORD_RE.sub(" ", strip_diacritics(value.lower())).strip()


def _text(value: Any) -> str:
    """Render a cell as text for memos, references and the raw record."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _is_empty(value: Any) -> bool:
    """Tell whether a cell holds nothing but whitespace."""
    return value is None or (isinstance(value, str) and not value.strip())


def _columns(cells: list[Cell]) -> dict[str, int]:
    """Map each field whose synonym appears in this row to its column (best synonym first)."""
    folded = [f" {_norm(value)} " for value, _ in cells]
    columns: dict[str, int] = {}
    taken: set[int] = set()
    for name, synonyms in FIELD_SYNONYMS.items():
        hits = [
            (rank, col)
            for rank, synonym in enumerate(synonyms)
            for col, label in enumerate(folded)
            if col not in taken and f" {synonym} " in label
        ]
        if hits:
            columns[name] = min(hits)[1]
            taken.add(columns[name])
    return columns


def _match_header(cells: list[Cell]) -> _Header | None:
    """Return the column layout if this row is a table header, else None."""
    columns = _columns(cells)
    if not all(name in columns for name in REQUIRED_FIELDS):
        return None
    labels: list[str] = []
    for col, (value, _) in enumerate(cells):
        label = _SPACE_RE.sub(" ", _text(value)) or f"Cột {col + 1}"
        labels.append(label if label not in labels else f"{label} ({col + 1})")
    return _Header(columns, tuple(labels))


def _unreadable_amount(text: Any):
    return _l("Không đọc được số tiền: «%(text)s»", text=text)


def _fraction(text: Any):
    return _l("Số tiền có phần lẻ, VND không có số lẻ: «%(text)s»", text=text)


def _unreadable_date(text: str):
    return _l("Không đọc được ngày giao dịch: «%(text)s»", text=text)


def parse_amount(value: Any) -> int | None:
    """Read a VND amount cell as integer đồng (None when empty); ValueError says why not."""
    if _is_empty(value):
        return None
    if isinstance(value, bool):
        raise _CellError(_unreadable_amount(value))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _CellError(_unreadable_amount(value))
        if not value.is_integer():
            raise _CellError(_fraction(value))
        return int(value)
    if not isinstance(value, str):
        raise _CellError(_unreadable_amount(_text(value)))
    original = value.strip()
    if not original.strip("-–—"):
        return None  # some exports mark an empty money cell with a dash
    text = _CURRENCY_RE.sub("", original.replace("\u00a0", " ")).strip()
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, _CURRENCY_RE.sub("", text[1:-1]).strip()
    if text and text[0] in "+-":
        negative, text = text[0] == "-", text[1:].strip()
    elif text.endswith("-"):  # some core banking exports write "1.500.000-"
        negative, text = True, text[:-1].strip()
    grouped = _GROUPED_RE.fullmatch(text)
    plain = _DECIMAL_RE.fullmatch(text)
    if grouped and grouped["dec"] != grouped["sep"]:
        whole = re.sub(r"[., ]", "", text[: grouped.start("dec")] if grouped["dec"] else text)
        frac = grouped["frac"] or ""
    elif plain:
        whole, frac = re.split(r"[.,]", text)[0], plain["frac"] or ""
    else:
        raise _CellError(_unreadable_amount(original))
    if frac.strip("0"):
        raise _CellError(_fraction(original))
    return -int(whole) if negative else int(whole)


def parse_date(value: Any) -> tuple[dt.date, str | None]:
    """Read a date cell, plus a document number sharing it (Vietcombank); ValueError if not."""
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if _is_empty(value):
        raise _CellError(_l("Thiếu ngày giao dịch"))
    if not isinstance(value, str):
        raise _CellError(_unreadable_date(_text(value)))
    text = _SPACE_RE.sub(" ", value.strip())
    match = _DATE_RE.match(text)
    rest = text[match.end() :].strip() if match else ""
    if (
        not match
        or (rest and not _REF_TOKEN_RE.fullmatch(rest))
        or text[match.end() :][:1] not in ("", " ")
    ):
        raise _CellError(_unreadable_date(value.strip()))
    if match["d"]:
        year = int(match["y"]) + (2000 if len(match["y"]) == 2 else 0)
        parts = (year, int(match["m"]), int(match["d"]))
    else:
        parts = (int(match["Y"]), int(match["M"]), int(match["D"]))
    try:
        return dt.date(*parts), rest or None
    except ValueError:
        raise _CellError(_l("Ngày không hợp lệ: «%(text)s»", text=value.strip())) from None


def _is_footer(cells: list[Cell]) -> bool:
    """Tell whether a row (known to have no date) is a totals or closing-balance row."""
    labels = [f"{_norm(value)} " for value, _ in cells]
    return any(label.startswith(f"{word} ") for label in labels for word in _FOOTER_WORDS)


def _money_columns(header: _Header) -> list[int]:
    """Columns of the credit and debit fields."""
    return [header.columns[name] for name in ("credit", "debit") if name in header.columns]


# A statement repeats a few dates and amounts on thousands of rows: each text is read once.
# typed: True, 1 and 1.0 are different cells (a boolean is refused, a float checked).
_amount = lru_cache(maxsize=4096, typed=True)(lambda value: parse_amount(value))
_date = lru_cache(maxsize=1024, typed=True)(lambda value: parse_date(value))


def _blank(cells: list[Cell]) -> bool:
    """Tell whether every cell of a row is empty (`_is_empty`, inlined: asked of every row)."""
    for value, _formula in cells:
        if value is not None and (not isinstance(value, str) or value.strip()):
            return False
    return True


def _classify(line_no: int, cells: list[Cell], header: _Header) -> StatementRow | RowProblem | None:
    """Turn one table row into a StatementRow, a RowProblem, or None for a non-transaction."""
    width = len(cells)
    for col, date_or_money in header.checked:  # type: ignore[attr-defined]
        if col >= width:
            continue
        value, is_formula = cells[col]
        # A CSV has no formulas, but "=..." in a date or money cell is one pasted as text.
        if is_formula or (
            date_or_money and isinstance(value, str) and value.lstrip().startswith("=")
        ):
            reason = _l(
                "%(reason)s (cột «%(column)s»): hãy dán giá trị",
                reason=REASON_FORMULA,
                column=header.labels[col],
            )
            return RowProblem(line_no, reason)
    date_value, credit, debit, memo, reference = (
        cells[col][0] if 0 <= col < width else None
        for col in header.where  # type: ignore[attr-defined]
    )
    try:
        credit = _amount(credit)
        debit = _amount(debit)
    except _CellError as exc:
        return RowProblem(line_no, exc.args[0])
    if not credit and not debit:
        # Opening-balance lines and wrapped memo lines carry neither date nor money.
        return None if _is_empty(date_value) else RowProblem(line_no, REASON_NO_AMOUNT)
    if credit is not None and credit < 0:
        reason = _l("Số tiền ghi có âm (%(amount)s): coi như tiền ra, bỏ qua", amount=credit)
        return RowProblem(line_no, reason)
    if not credit:
        return RowProblem(line_no, REASON_DEBIT)
    if debit:
        return RowProblem(line_no, REASON_BOTH)
    try:
        date, ref_in_date = _date(date_value)
    except _CellError as exc:
        return RowProblem(line_no, exc.args[0])
    reference = _text(reference) or ref_in_date
    labels = header.labels
    texts = [
        value.strip() if isinstance(value, str) else _text(value)
        for value, _formula in cells[: len(labels)]
    ]
    texts += [""] * (len(labels) - len(texts))
    raw = dict(zip(labels, texts, strict=True))
    return StatementRow(line_no, date, credit, _text(memo), reference, raw)


def _has_date(cells: list[Cell], header: _Header) -> bool:
    """Tell whether the row's date column holds a readable date."""
    col = header.columns["date"]
    if col >= len(cells) or cells[col][1]:
        return False
    try:
        _date(cells[col][0])
    except _CellError:
        return False
    return True


def _find_header(rows: Iterator[tuple[int, list[Cell]]]) -> tuple[_Header | None, int, str]:
    """Consume rows up to the header; return it, the non-empty row count and a hint."""
    seen = 0
    best: tuple[int, int, list[str]] | None = None  # (-found, line_no, missing)
    for line_no, cells in rows:
        if not all(_is_empty(value) for value, _ in cells):
            seen += 1
            header = _match_header(cells)
            if header is not None:
                return header, seen, ""
            missing = [name for name in REQUIRED_FIELDS if name not in _columns(cells)]
            if len(missing) < len(REQUIRED_FIELDS) and (best is None or -len(missing) < best[0]):
                best = (-len(missing), line_no, missing)
        if line_no >= HEADER_SEARCH_ROWS:
            break
    hint = ""
    if best is not None:
        names = ", ".join(str(_FIELD_NAMES[name]).split(" (")[0] for name in best[2])
        hint = " " + str(
            _l("Dòng %(line)s giống tiêu đề nhưng thiếu cột: %(names)s.", line=best[1], names=names)
        )
    return None, seen, hint


def _read_body(
    rows: Iterator[tuple[int, list[Cell]]], header: _Header
) -> Iterator[StatementRow | RowProblem]:
    """Yield transactions after the header, following later sections of the same sheet."""
    quiet, quiet_rows, blank_run = False, 0, 0
    for line_no, cells in rows:
        if _blank(cells):
            blank_run += 1
            if blank_run >= BLANK_STRETCH and not quiet:
                quiet, quiet_rows = True, 0
        else:
            blank_run = 0
            dated = _has_date(cells, header)
            if not dated:
                # Only rows without a date can be a repeated header, a footer or a preamble.
                new_header = _match_header(cells)
                if new_header is not None:
                    header, quiet = new_header, False
                    continue
                if _is_footer(cells):
                    quiet, quiet_rows = True, 0
                    continue
            money = [cells[c][0] for c in _money_columns(header) if c < len(cells)]
            if not quiet or (dated and not all(_is_empty(value) for value in money)):
                # After a footer or a blank stretch only a dated row with money resumes the
                # table, so signatures and the next section's preamble produce no noise.
                quiet = False
                result = _classify(line_no, cells, header)
                if result is not None:
                    yield result
                continue
        if quiet:
            quiet_rows += 1
            if quiet_rows > HEADER_SEARCH_ROWS:
                return


class _Prefixed(io.RawIOBase):
    """A read-only raw stream that replays already-read head bytes, then the rest."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        """Remember the head and the underlying stream."""
        super().__init__()
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        """Report that the stream can be read."""
        return True

    def readinto(self, buffer: Any) -> int:
        """Fill buffer from the head first, then from the underlying stream."""
        data = self._head[: len(buffer)] if self._head else self._rest.read(len(buffer)) or b""
        self._head = self._head[len(data) :] if self._head else b""
        buffer[: len(data)] = data
        return len(data)


def _csv_rows(stream: IO[bytes], head: bytes) -> Iterator[tuple[int, list[Cell]]]:
    """Decode and split a CSV stream, choosing the delimiter that reveals a header."""
    encoding = "utf-16" if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else "utf-8-sig"
    text = io.TextIOWrapper(io.BufferedReader(_Prefixed(head, stream)), encoding, newline="")
    head_lines: list[str] = []
    line_no = 0
    try:
        size = 0
        for line in text:
            head_lines.append(line)
            size += len(line)
            if len(head_lines) >= CSV_SNIFF_LINES or size >= CSV_SNIFF_CHARS:
                break
        if any("\x00" in line for line in head_lines):
            raise StatementError(
                _l("Tệp CSV chứa dữ liệu nhị phân: đây không phải tệp văn bản CSV.")
            )
        delimiter = _sniff_delimiter(head_lines)
        reader = csv.reader(itertools.chain(head_lines, text), delimiter=delimiter)
        for line_no, record in enumerate(reader, 1):
            yield line_no, [(value, False) for value in record]
    except UnicodeDecodeError:
        raise StatementError(
            _l(
                "Tệp CSV không dùng bảng mã UTF-8 (khoảng dòng %(line)s): "
                "hãy xuất lại tệp với mã UTF-8.",
                line=line_no + 1,
            )
        ) from None
    except csv.Error as exc:
        raise StatementError(
            _l(
                "Tệp CSV bị lỗi định dạng ở dòng %(line)s: %(error)s",
                line=line_no + 1,
                error=str(exc),
            )
        ) from None


def _sniff_delimiter(lines: list[str]) -> str:
    """Pick the delimiter under which a header row is found, else the most frequent one."""
    for delimiter in (",", ";", "\t"):
        for record in itertools.islice(csv.reader(lines, delimiter=delimiter), HEADER_SEARCH_ROWS):
            if _match_header([(value, False) for value in record]) is not None:
                return delimiter
    sample = "".join(lines)
    return max((",", ";", "\t"), key=sample.count)


def _xlsx_sheets(stream: IO[bytes], name: str) -> Iterator[Iterator[tuple[int, list[Cell]]]]:
    """Yield, for each worksheet, an iterator of its rows as cells."""
    import openpyxl  # imported here so that CSV-only callers do not pay for it

    try:
        # data_only=False: a formula then shows as data_type "f" and can be refused;
        # with data_only=True it would silently become its cached value or None.
        book = openpyxl.load_workbook(stream, read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - any failure here means a broken workbook
        raise StatementError(
            _l(
                "Không mở được tệp Excel «%(name)s»: tệp bị hỏng hoặc không phải .xlsx (%(error)s).",
                name=name,
                error=str(exc),
            )
        ) from None
    try:
        for sheet in book.worksheets:
            if not hasattr(sheet, "reset_dimensions"):
                continue  # chartsheets have no cells
            sheet.reset_dimensions()  # exporters often write a wrong <dimension>
            yield _sheet_rows(sheet, name)
    finally:
        book.close()


def _sheet_rows(sheet: Any, name: str) -> Iterator[tuple[int, list[Cell]]]:
    """Yield a worksheet's rows, turning XML or zip damage into a StatementError."""
    try:
        for line_no, row in enumerate(sheet.iter_rows(), 1):
            yield line_no, [(cell.value, cell.data_type == "f") for cell in row]
    except Exception as exc:  # noqa: BLE001 - a damaged sheet must not become a stack trace
        raise StatementError(
            _l(
                "Tệp Excel «%(name)s» bị hỏng, không đọc tiếp được (%(error)s).",
                name=name,
                error=str(exc),
            )
        ) from None


def _sniff_kind(head: bytes, filename: str) -> str:
    """Decide between "csv" and "xlsx" from the extension and the magic bytes."""
    ext, shown = os.path.splitext(filename)[1].lower(), os.path.basename(filename)
    if not head:
        raise StatementError(_l("Tệp «%(name)s» rỗng: không có dữ liệu.", name=shown))
    if ext == ".xls":
        raise StatementError(
            _l(
                "Tệp .xls (Excel 97–2003) chưa được hỗ trợ: hãy mở bằng Excel rồi lưu lại dạng "
                ".xlsx hoặc .csv."
            )
        )
    if ext not in (".csv", ".xlsx"):
        raise StatementError(
            _l("Chỉ nhận tệp sao kê dạng .csv hoặc .xlsx (tệp đã gửi: «%(name)s»).", name=shown)
        )
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"  # also a .csv that is really a workbook: reading it is the kind answer
    what = next((name for magic, name in _MAGIC if head.startswith(magic)), None)
    if what is None and ext == ".xlsx" and head.lstrip().startswith(b"<"):
        what = _l("trang HTML đổi đuôi (hãy mở bằng Excel và lưu lại dạng .xlsx)")
    if what is None and ext == ".csv":
        return "csv"
    expected = _l("tệp Excel .xlsx") if ext == ".xlsx" else _l("tệp văn bản CSV")
    raise StatementError(
        _l(
            "Tệp «%(name)s» không phải %(expected)s hợp lệ: đây là %(what)s.",
            name=shown,
            expected=expected,
            what=what or _l("tệp khác bị đổi đuôi"),
        )
    )


def _sections(
    sheets: Iterable[Iterator[tuple[int, list[Cell]]]],
) -> Iterator[StatementRow | RowProblem]:
    """Find the header in the first sheet that has one, then stream its transactions."""
    seen_any, hints = 0, ""
    for rows in sheets:
        header, seen, hint = _find_header(rows)
        seen_any += seen
        hints = hints or hint
        if header is not None:
            yield from _read_body(rows, header)
            return
    if not seen_any:
        raise StatementError(_l("Tệp rỗng: không có dòng dữ liệu nào."))
    expected = "; ".join(str(_FIELD_NAMES[name]) for name in REQUIRED_FIELDS)
    raise StatementError(
        _l(
            "Không tìm thấy dòng tiêu đề của bảng giao dịch trong %(n)s dòng đầu. "
            "Cần có các cột: %(expected)s.%(hints)s",
            n=HEADER_SEARCH_ROWS,
            expected=expected,
            hints=hints,
        )
    )


def read_statement(
    path_or_file: Source, filename: str, limits: Limits = DEFAULT_LIMITS
) -> Iterator[StatementRow | RowProblem]:
    """Stream credit rows and skipped-row problems from a .csv or .xlsx bank statement.

    StatementError is raised while iterating, before the first row for a bad file; a file
    with more rows or columns than `limits` allow is refused when the reader gets there.
    """
    if isinstance(path_or_file, str | os.PathLike):
        with open(path_or_file, "rb") as stream:
            yield from _read_stream(stream, filename, limits)
    else:
        yield from _read_stream(path_or_file, filename, limits)


def _too_many_rows(limits: Limits) -> StatementError:
    return StatementError(
        _l(
            "Tệp có quá nhiều dòng (tối đa %(n)s dòng): hãy tách sao kê theo tháng.",
            n=format(limits.max_rows, ",").replace(",", "."),
        )
    )


def _too_many_columns(limits: Limits) -> StatementError:
    return StatementError(
        _l(
            "Tệp có quá nhiều cột (tối đa %(n)s cột): đây không giống sao kê ngân hàng.",
            n=limits.max_columns,
        )
    )


def _limited(
    rows: Iterator[tuple[int, list[Cell]]], limits: Limits
) -> Iterator[tuple[int, list[Cell]]]:
    """Pass rows through, refusing a sheet longer or wider than the limits allow."""
    for line_no, cells in rows:
        if line_no > limits.max_rows:
            raise _too_many_rows(limits)
        if len(cells) > limits.max_columns:
            while cells and _is_empty(cells[-1][0]):
                cells = cells[:-1]  # trailing empty cells of a wide formatted sheet
            if len(cells) > limits.max_columns:
                raise _too_many_columns(limits)
        yield line_no, cells


def _read_stream(
    stream: IO[bytes], filename: str, limits: Limits = DEFAULT_LIMITS
) -> Iterator[StatementRow | RowProblem]:
    """Dispatch an open binary stream to the CSV or XLSX reader."""
    seekable = getattr(stream, "seekable", lambda: False)()
    start = stream.tell() if seekable else 0
    head = stream.read(8) or b""
    # Raw streams may return short reads; the magic bytes need all eight.
    while len(head) < 8 and (more := stream.read(8 - len(head))):
        head += more
    kind = _sniff_kind(head, filename)
    if kind == "csv":
        yield from _sections([_limited(_csv_rows(stream, head), limits)])
        return
    if seekable:
        stream.seek(start)
        sheets = _xlsx_sheets(stream, os.path.basename(filename))
        yield from _sections(_limited(rows, limits) for rows in sheets)
        return
    # A zip archive needs seeking: copy a one-way stream (an upload pipe) first.
    with tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024) as copy:
        copy.write(head)
        while chunk := stream.read(1024 * 1024):
            copy.write(chunk)
        copy.seek(0)
        sheets = _xlsx_sheets(copy, os.path.basename(filename))
        yield from _sections(_limited(rows, limits) for rows in sheets)
