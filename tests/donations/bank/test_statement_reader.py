"""Tests for donations.bank.statement_reader with CSV and XLSX fixtures built in the tests."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from donations.bank.statement_reader import (
    REASON_BOTH,
    REASON_DEBIT,
    REASON_FORMULA,
    REASON_NO_AMOUNT,
    RowProblem,
    StatementError,
    StatementRow,
    parse_amount,
    parse_date,
    read_statement,
)
from donations.pledges.refcode import check_char

A = "TS7K3F9QX" + check_char("7K3F9QX")
D31 = dt.date(2023, 10, 31)


def write_xlsx(path: Path, rows: list[list[Any]], sheets: int = 1) -> Path:
    """Write rows to the first sheet (earlier sheets, if asked, hold unrelated text)."""
    book = openpyxl.Workbook()
    for extra in range(sheets - 1):
        book.active.title = f"Ghi chu {extra}"
        book.active.append(["Ghi chú", "không phải sao kê"])
        book.create_sheet()
    sheet = book.worksheets[-1]
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def read_all(source: Any, filename: str) -> list[StatementRow | RowProblem]:
    """Materialise a statement."""
    return list(read_statement(source, filename))


def rows_only(items: list[StatementRow | RowProblem]) -> list[StatementRow]:
    """Keep the transactions of a result."""
    return [item for item in items if isinstance(item, StatementRow)]


def problems(items: list[StatementRow | RowProblem]) -> dict[int, str]:
    """Map the skipped rows of a result by line number."""
    return {item.line_no: item.reason for item in items if isinstance(item, RowProblem)}


VCB_PREAMBLE: list[list[Any]] = [
    ["NGÂN HÀNG TMCP NGOẠI THƯƠNG VIỆT NAM"],
    ["SAO KÊ TÀI KHOẢN/ ACCOUNT STATEMENT"],
    [],
    ["Số tài khoản/ Account number:", "1017788990"],
    ["Tên tài khoản/ Account name:", "QUY THAP SANG UOC MO"],
    ["Loại tiền/ Currency:", "VND"],
    ["Từ ngày/ From date:", "01/10/2023", "Đến ngày/ To date:", "31/10/2023"],
    ["Số dư đầu kỳ/ Opening balance:", "5.000.000"],
    [],
]
VCB_HEADER = [
    "STT\nNo.",
    "Ngày GD/\nTNX Date",
    "Số CT/\nDoc No",
    "Số tiền ghi nợ/\nDebit",
    "Số tiền ghi có/\nCredit",
    "Số dư/\nBalance",
    "Nội dung chi tiết/\nTransactions in detail",
]
VCB_DATA: list[list[Any]] = [
    [1, "31/10/2023 5243.65937", None, None, "1.500.000", "6.500.000", f"MBVCB.4525077405.{A}.CT"],
    [2, dt.datetime(2023, 10, 31, 9, 5), "5243.70001", None, 200000, 6700000, "Ung ho"],
    [3, "31/10/2023", "5243.70002", "50.000", None, 6650000, "Phi SMS thang 10"],
    [4, "31/10/2023\n5243.70003", None, None, "300.000", 6950000, None],
    ["Tổng số/ Total", None, None, "50.000", "2.000.000"],
    ["Số dư cuối kỳ/ Closing balance", None, None, None, None, "6.950.000"],
    [],
    ["Người lập biểu/ Prepared by", None, "Kế toán trưởng/ Chief accountant"],
    [None, "01/11/2023", None, None, None, None, "ký tên"],
]


def test_vietcombank_like_xlsx(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "vcb.xlsx", VCB_PREAMBLE + [VCB_HEADER] + VCB_DATA)
    items = read_all(path, "SaoKe_VCB.xlsx")
    rows = rows_only(items)
    assert [(r.line_no, r.date, r.amount, r.reference) for r in rows] == [
        (11, D31, 1_500_000, "5243.65937"),
        (12, D31, 200_000, "5243.70001"),
        (14, D31, 300_000, "5243.70003"),
    ]
    assert rows[0].memo == f"MBVCB.4525077405.{A}.CT"
    assert rows[2].memo == ""  # an empty memo is allowed: the money still counts
    assert rows[0].raw["Số tiền ghi có/ Credit"] == "1.500.000"
    assert rows[0].raw["Nội dung chi tiết/ Transactions in detail"].startswith("MBVCB")
    # Everything after the "Tổng" footer (signatures, a dated line with no money) is
    # outside the table; only the debit row is reported.
    assert problems(items) == {13: REASON_DEBIT}
    assert all(isinstance(r.amount, int) for r in rows)


def test_vietcombank_second_section_in_the_same_sheet(tmp_path: Path) -> None:
    second = [
        [1, "01/11/2023", "9001.1", None, "700.000", "7.650.000", "Ung ho dot 2"],
        ["Tổng số/ Total", None, None, None, "700.000"],
    ]
    path = write_xlsx(
        tmp_path / "vcb2.xlsx",
        VCB_PREAMBLE + [VCB_HEADER] + VCB_DATA + [[]] + VCB_PREAMBLE + [VCB_HEADER] + second,
    )
    rows = rows_only(read_all(path, "vcb2.xlsx"))
    assert [r.amount for r in rows] == [1_500_000, 200_000, 300_000, 700_000]
    assert rows[-1].date == dt.date(2023, 11, 1) and rows[-1].reference == "9001.1"


def test_two_row_bilingual_header(tmp_path: Path) -> None:
    english = ["No.", "TNX Date", "Doc No", "Debit", "Credit", "Balance", "Transactions in detail"]
    vietnamese = [
        "STT",
        "Ngày GD",
        "Số CT",
        "Số tiền ghi nợ",
        "Số tiền ghi có",
        "Số dư",
        "Nội dung",
    ]
    data = [1, "02/10/2023", "77", None, "1,000,000", None, "TS ung ho"]
    items = read_all(write_xlsx(tmp_path / "b.xlsx", [vietnamese, english, data]), "b.xlsx")
    assert problems(items) == {}
    assert [(r.line_no, r.amount) for r in rows_only(items)] == [(3, 1_000_000)]


BIDV_HEADER = [
    "STT",
    "Ngày hiệu lực/ Value date",
    "Ngày giao dịch/ Transaction date",
    "Số tham chiếu/ Reference",
    "Phát sinh nợ/ Debit",
    "Phát sinh có/ Credit",
    "Số dư/ Balance",
    "Diễn giải/ Description",
]


def bidv_preamble() -> list[list[Any]]:
    """Thirty rows of bank letterhead, account details and blank lines."""
    rows: list[list[Any]] = [
        ["NGÂN HÀNG TMCP ĐẦU TƯ VÀ PHÁT TRIỂN VIỆT NAM"],
        ["Chi nhánh Hà Nội"],
        [],
        ["SAO KÊ TÀI KHOẢN"],
        ["Kỳ sao kê: 01/10/2023 - 31/10/2023"],
        ["Số dư đầu kỳ", None, None, None, None, None, 10_000_000],
    ]
    while len(rows) < 30:
        rows.append([f"Thông tin tài khoản dòng {len(rows) + 1}"] if len(rows) % 3 else [])
    return rows


def test_bidv_like_xlsx_with_long_preamble(tmp_path: Path) -> None:
    data: list[list[Any]] = [
        [1, dt.date(2023, 10, 1), "02/10/2023 08:15:00", "FT001", None, 1_500_000, 0, f"{A}"],
        [2, dt.date(2023, 10, 1), "02/10/2023 09:00:00", 123456, None, 250_000.0, 0, "Ung ho"],
        [3, dt.date(2023, 10, 1), "03/10/2023", "FT003", None, 1500.5, 0, "le"],
        [4, dt.date(2023, 10, 1), "03/10/2023", "FT004", None, "=F32+1", 0, "cong thuc"],
        [5, dt.date(2023, 10, 1), "04/10/2023", "FT005", 75_000, None, 0, "Rut tien"],
        [6, dt.date(2023, 10, 1), "05/10/2023", "FT006", None, 99_000, "=G36+F37", "so du"],
        [7, dt.date(2023, 10, 1), "05/10/2023", "FT007", 5, 10, 0, "ca hai"],
        [8, None, None, None, None, 3_000, 0, "thieu ngay"],
        [9, None, "ngày mai", "FT009", None, 3_000, 0, "ngay sai"],
        [10, None, "2023-10-06", "FT010", None, "(20.000)", 0, "am"],
        [11, None, "07/10/2023", "FT011", None, None, 0, "khong tien"],
    ]
    path = write_xlsx(tmp_path / "bidv.xlsx", bidv_preamble() + [BIDV_HEADER] + data)
    items = read_all(path, "bidv.xlsx")
    rows = rows_only(items)
    assert [(r.line_no, r.date, r.amount, r.reference) for r in rows] == [
        (32, dt.date(2023, 10, 2), 1_500_000, "FT001"),  # transaction date, not value date
        (33, dt.date(2023, 10, 2), 250_000, "123456"),
        (37, dt.date(2023, 10, 5), 99_000, "FT006"),  # a formula in the balance is harmless
    ]
    found = problems(items)
    assert "phần lẻ" in found[34]
    assert str(found[35]).startswith(str(REASON_FORMULA)) and "Phát sinh có" in found[35]
    assert found[36] == REASON_DEBIT
    assert found[38] == REASON_BOTH
    assert found[39] == "Thiếu ngày giao dịch"
    assert "ngày mai" in found[40]
    assert "âm" in found[41]
    assert found[42] == REASON_NO_AMOUNT
    assert set(found) == {34, 35, 36, 38, 39, 40, 41, 42}


def test_header_after_row_80_is_not_found(tmp_path: Path) -> None:
    rows: list[list[Any]] = [["x"]] * 80 + [BIDV_HEADER, [1, None, "01/10/2023", "F", None, 5]]
    with pytest.raises(StatementError, match="Không tìm thấy dòng tiêu đề"):
        read_all(write_xlsx(tmp_path / "late.xlsx", rows), "late.xlsx")


def test_header_on_row_80_is_found(tmp_path: Path) -> None:
    rows: list[list[Any]] = [["x"]] * 79 + [BIDV_HEADER, [1, None, "01/10/2023", "F", None, 5]]
    items = read_all(write_xlsx(tmp_path / "row80.xlsx", rows), "row80.xlsx")
    assert [(r.line_no, r.amount) for r in rows_only(items)] == [(81, 5)]


def test_statement_on_a_later_sheet(tmp_path: Path) -> None:
    data = [[1, None, "01/10/2023", "F", None, 5000, 0, "x"]]
    path = write_xlsx(tmp_path / "sheets.xlsx", [BIDV_HEADER] + data, sheets=2)
    assert [r.amount for r in rows_only(read_all(path, "sheets.xlsx"))] == [5000]


def test_xlsx_from_a_one_way_stream(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "s.xlsx", VCB_PREAMBLE + [VCB_HEADER] + VCB_DATA)
    stream = GeneratorFile(iter([path.read_bytes()]))
    assert len(rows_only(read_all(stream, "s.xlsx"))) == 3


def test_xlsx_from_a_seekable_upload_not_at_position_zero(tmp_path: Path) -> None:
    data = write_xlsx(tmp_path / "s.xlsx", VCB_PREAMBLE + [VCB_HEADER] + VCB_DATA).read_bytes()
    upload = io.BytesIO(b"junk" + data)
    upload.seek(4)
    assert len(rows_only(read_all(upload, "s.xlsx"))) == 3


def test_workbook_named_csv_is_read_as_xlsx(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "really.csv", VCB_PREAMBLE + [VCB_HEADER] + VCB_DATA)
    assert len(rows_only(read_all(path, "really.csv"))) == 3


def csv_bytes(text: str, bom: bool = False, encoding: str = "utf-8") -> io.BytesIO:
    """Wrap CSV text as a binary upload stream."""
    return io.BytesIO((b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding))


def test_csv_comma_bom_crlf_and_comma_thousands() -> None:
    text = (
        "Ngân hàng TMCP Quân đội\r\n"
        "Số tài khoản,0123456789\r\n"
        "\r\n"
        "Ngày giao dịch,Số tham chiếu,Số tiền ghi nợ,Số tiền ghi có,Số dư,Nội dung\r\n"
        f'01/10/2023,FT1,,"1,500,000","11,500,000","{A} ung ho"\r\n'
        '02/10/2023,FT2,"200,000",,"11,300,000",Chuyen tien ra\r\n'
        f'03/10/2023,FT3,-,"2,000,000 VND",,"dòng 1\r\ndòng 2 {A}"\r\n'
        '04/10/2023,FT4,,"3,000",,=)) cam on\r\n'
    )
    items = read_all(csv_bytes(text, bom=True), "mb.csv")
    rows = rows_only(items)
    assert [(r.line_no, r.amount, r.reference) for r in rows] == [
        (5, 1_500_000, "FT1"),
        (7, 2_000_000, "FT3"),
        (8, 3_000, "FT4"),
    ]
    assert rows[1].memo == f"dòng 1\r\ndòng 2 {A}"
    assert rows[2].memo == "=)) cam on"  # a memo starting with "=" is text, not a formula
    assert problems(items) == {6: REASON_DEBIT}


def test_csv_semicolon_dot_thousands_and_suffixes() -> None:
    text = (
        "Ngày hạch toán;Mô tả;Phát sinh nợ;Phát sinh có;Số dư\n"
        f"31/10/2023;{A};;1.500.000 VND;\n"
        "31/10/2023;b;;250.000đ;\n"
        "31/10/2023;c;;(200.000);\n"
        "31/10/2023;d;;=1+1;\n"
        "31/10/2023;e;;1.500.000,00;\n"
        "31/10/2023;f;;1.500,50;\n"
        "31/10/2023;g;;abc;\n"
    )
    items = read_all(csv_bytes(text), "sao_ke.CSV")
    assert [(r.line_no, r.amount) for r in rows_only(items)] == [
        (2, 1_500_000),
        (3, 250_000),
        (6, 1_500_000),
    ]
    found = problems(items)
    assert "âm" in found[4]
    assert str(found[5]).startswith(str(REASON_FORMULA))
    assert "phần lẻ" in found[7]
    assert found[8] == "Không đọc được số tiền: «abc»"


def test_csv_english_headers_and_date_formats() -> None:
    text = (
        "Date,Description,Debit,Credit,Reference\n"
        "31/10/2023,a,,1000,R1\n"
        "31/10/2023 23:59:59,b,,2000,R2\n"
        "2023-10-31,c,,3000,\n"
        "2023-10-31 08:00:00,d,,4000,R4\n"
        "32/10/2023,e,,5000,R5\n"
        "hôm qua,f,,6000,R6\n"
        "=TODAY(),g,,7000,R7\n"
    )
    items = read_all(csv_bytes(text), "en.csv")
    assert [(r.amount, r.date, r.reference) for r in rows_only(items)] == [
        (1000, D31, "R1"),
        (2000, D31, "R2"),
        (3000, D31, None),
        (4000, D31, "R4"),
    ]
    found = problems(items)
    assert "Ngày không hợp lệ" in found[6]
    assert "Không đọc được ngày giao dịch" in found[7]
    assert str(found[8]).startswith(str(REASON_FORMULA))


def test_csv_tab_separated_utf16() -> None:
    text = "Ngày GD\tNội dung\tGhi có\n01/10/2023\tung ho\t50.000\n"
    stream = io.BytesIO(text.encode("utf-16"))
    assert [r.amount for r in rows_only(read_all(stream, "unicode.csv"))] == [50_000]


def test_csv_from_a_path(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("ngay gd,noi dung,credit\n01/10/2023,x,1\n", encoding="utf-8")
    assert [r.amount for r in rows_only(read_all(path, path.name))] == [1]
    assert [r.amount for r in rows_only(read_all(str(path), path.name))] == [1]


def test_csv_not_utf8() -> None:
    text = "Ngày giao dịch,Nội dung,Số tiền ghi có\n01/10/2023,ủng hộ,1000\n"
    with pytest.raises(StatementError, match="UTF-8"):
        read_all(io.BytesIO(text.encode("utf-16-le")), "cp.csv")
    with pytest.raises(StatementError, match="UTF-8"):
        read_all(io.BytesIO("Ngày,Có,Mô ta\n".encode("cp1258")), "cp.csv")


def test_wrong_columns_lists_what_is_expected() -> None:
    text = "Ngày giao dịch,Số tiền,Ghi chú\n01/10/2023,1000,x\n"
    with pytest.raises(StatementError) as info:
        read_all(csv_bytes(text), "wrong.csv")
    message = str(info.value)
    assert "Không tìm thấy dòng tiêu đề" in message
    assert "số tiền ghi có" in message and "nội dung" in message and "ngày giao dịch" in message
    assert "Dòng 1 giống tiêu đề nhưng thiếu cột: số tiền ghi có, nội dung" in message


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.csv", "rỗng"),
        (b"", "empty.xlsx", "rỗng"),
        (b"\xef\xbb\xbf", "bom.csv", "rỗng"),
        (b"\n\n  \n,,,\n", "blank.csv", "rỗng"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "anh.xlsx", "không phải tệp Excel .xlsx"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "anh.csv", "tệp ảnh"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 40, "anh.xlsx", "tệp ảnh"),
        (b"%PDF-1.7\n", "sao_ke.xlsx", "tệp PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40, "old.xlsx", "97–2003"),
        (b"<html><table><tr><td>1</td></tr></table></html>", "vcb.xlsx", "HTML"),
        (b"Ngay,Noi dung,Co\n", "text.xlsx", "không phải tệp Excel"),
        (b"PK\x03\x04garbage that is not a zip", "broken.xlsx", "Không mở được tệp Excel"),
        (b"Ngay,Noi dung,Co\n", "sao_ke.xls", r"\.xls \(Excel 97–2003\)"),
        (b"%PDF-1.7\n", "sao_ke.pdf", r"Chỉ nhận tệp sao kê dạng \.csv hoặc \.xlsx"),
        (b"a,b\x00c\n", "nul.csv", "nhị phân"),
    ],
)
def test_refused_files(content: bytes, name: str, message: str) -> None:
    with pytest.raises(StatementError, match=message):
        read_all(io.BytesIO(content), name)


def test_errors_are_value_errors_and_not_stack_traces(tmp_path: Path) -> None:
    path = tmp_path / "photo.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    assert issubclass(StatementError, ValueError)
    with pytest.raises(StatementError):
        read_all(path, "photo.xlsx")


class GeneratorFile(io.RawIOBase):
    """A one-way binary stream fed by a generator, which records how much was pulled."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        """Wrap the chunk generator."""
        super().__init__()
        self._chunks = chunks
        self._buffer = b""
        self.pulled = 0
        self.exhausted = False

    def readable(self) -> bool:
        """Report that the stream can be read."""
        return True

    def readinto(self, buffer: Any) -> int:
        """Copy the next bytes, pulling a chunk from the generator when needed."""
        while not self._buffer:
            try:
                self._buffer = next(self._chunks)
            except StopIteration:
                self.exhausted = True
                return 0
            self.pulled += 1
        size = min(len(buffer), len(self._buffer))
        buffer[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size


def big_csv(rows: int, per_chunk: int = 100) -> Iterator[bytes]:
    """Produce a statement of many credit rows, chunk by chunk."""
    yield "Ngày GD;Số CT;Số tiền ghi có;Nội dung\n".encode()
    for start in range(0, rows, per_chunk):
        lines = (
            f"{1 + i % 28:02d}/10/2023;FT{i};{(i % 900 + 1) * 1000:,};Ung ho {A} lan {i}\n"
            for i in range(start, min(rows, start + per_chunk))
        )
        yield "".join(lines).encode()


def test_large_csv_is_streamed() -> None:
    total = 100_000
    stream = GeneratorFile(big_csv(total))
    items = read_statement(stream, "big.csv")
    first = next(items)
    assert isinstance(first, StatementRow) and first.amount == 1000 and first.line_no == 2
    # Only the sniffing window (a couple of hundred lines) has been pulled so far.
    assert not stream.exhausted
    assert stream.pulled < 20
    count, last = 1, first
    for item in items:
        assert isinstance(item, StatementRow)
        count, last = count + 1, item
    assert stream.exhausted
    assert count == total
    assert last.line_no == total + 1 and last.reference == f"FT{total - 1}"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1.500.000", 1_500_000),
        ("1,500,000", 1_500_000),
        ("1500000", 1_500_000),
        ("1.500.000 VND", 1_500_000),
        ("1,500,000 vnd", 1_500_000),
        ("1.500.000đ", 1_500_000),
        ("1.500.000 ₫", 1_500_000),
        ("VND 2,000", 2_000),
        ("1 500 000", 1_500_000),
        ("1\u00a0500\u00a0000", 1_500_000),
        ("+50.000", 50_000),
        ("(1.500.000)", -1_500_000),
        ("(1.500.000 VND)", -1_500_000),
        ("-200", -200),
        ("1.500.000-", -1_500_000),
        ("1,500,000.00", 1_500_000),
        ("1.500.000,00", 1_500_000),
        ("1500000.0", 1_500_000),
        ("1.500", 1_500),
        (1_500_000, 1_500_000),
        (1_500_000.0, 1_500_000),
        (None, None),
        ("", None),
        ("  ", None),
        ("-", None),
        ("0", 0),
    ],
)
def test_parse_amount(value: Any, expected: int | None) -> None:
    result = parse_amount(value)
    assert result == expected and (result is None or type(result) is int)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1.5", "phần lẻ"),
        ("1500.5", "phần lẻ"),
        ("1.500.000,50", "phần lẻ"),
        (1500.5, "phần lẻ"),
        (float("nan"), "Không đọc được"),
        (True, "Không đọc được"),
        ("abc", "Không đọc được"),
        ("1.500.00", "Không đọc được"),
        ("1,500.000.00", "Không đọc được"),
        (dt.date(2023, 1, 1), "Không đọc được"),
    ],
)
def test_parse_amount_refuses(value: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_amount(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("31/10/2023", (D31, None)),
        ("31/10/2023 10:15:00", (D31, None)),
        ("31/10/2023 10:15", (D31, None)),
        ("2023-10-31", (D31, None)),
        ("2023-10-31T10:15:00", (D31, None)),
        ("31-10-2023", (D31, None)),
        ("31.10.2023", (D31, None)),
        ("1/2/2023", (dt.date(2023, 2, 1), None)),
        ("31/10/23", (D31, None)),
        ("31/10/2023 5243.65937", (D31, "5243.65937")),
        ("31/10/2023\n5243.65937", (D31, "5243.65937")),
        ("31/10/2023 10:15:00 5243.65937", (D31, "5243.65937")),
        (dt.datetime(2023, 10, 31, 23, 59), (D31, None)),
        (D31, (D31, None)),
    ],
)
def test_parse_date(value: Any, expected: tuple[dt.date, str | None]) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "value",
    ["", None, "32/10/2023", "31/13/2023", "hôm qua", "31/10/2023 a b", "31/10/20235", 45230],
)
def test_parse_date_refuses(value: Any) -> None:
    with pytest.raises(ValueError):
        parse_date(value)
