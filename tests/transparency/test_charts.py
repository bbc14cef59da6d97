"""Server-drawn SVG charts: well-formed, described in words, to scale, safe with any label."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from app.money import format_vnd
from transparency.charts import Bar, columns, hbars, paired

NS = "{http://www.w3.org/2000/svg}"


def _svg(markup) -> ET.Element:
    return ET.fromstring(str(markup))  # noqa: S314 - our own output, not untrusted input


def test_horizontal_bars_are_to_scale_and_described(app):
    with app.test_request_context():
        chart = hbars(
            [Bar("Chuyển khoản", 3_000_000), Bar("Thẻ", 1_500_000), Bar("Hiện vật", 0)],
            title="Theo kênh",
            fmt=format_vnd,
        )
    root = _svg(chart)
    assert root.find(f"{NS}title").text == "Theo kênh"
    assert "Chuyển khoản: 3.000.000 ₫" in root.find(f"{NS}desc").text
    filled = [r for r in root.iter(f"{NS}rect") if r.get("fill") != "#e3e6eb"]
    widths = [int(r.get("width")) for r in filled]
    assert widths[0] == 2 * widths[1] and widths[2] == 0
    assert "style=" not in str(chart) and "<script" not in str(chart)


def test_labels_are_escaped():
    chart = hbars([Bar('<script>alert("x")</script>', 5)], title="<b>t</b>")
    assert "<script>" not in str(chart) and "&lt;script&gt;" in str(chart)
    _svg(chart)  # still well-formed


def test_columns_label_first_middle_and_last_day():
    days = [Bar(f"{d:02d}/11", d * 1000) for d in range(1, 31)]
    root = _svg(columns(days, title="Theo ngày"))
    labels = [t.text for t in root.iter(f"{NS}text")]
    assert {"01/11", "16/11", "30/11"} <= set(labels)
    assert len([r for r in root.iter(f"{NS}rect")]) == 30


def test_paired_bars_share_one_scale():
    root = _svg(
        paired(
            [("Móng", 100_000_000, 50_000_000), ("Mái", 40_000_000, 40_000_000)],
            title="Dự toán và đã chi",
            legend=("Dự toán", "Đã chi"),
        )
    )
    widths = [int(r.get("width")) for r in root.iter(f"{NS}rect") if r.get("height") == "16"]
    assert widths[0] == 2 * widths[1] and widths[2] == widths[3]


def test_empty_charts_still_render():
    for chart in (
        hbars([], title="a"),
        columns([], title="b"),
        paired([], title="c", legend=("x", "y")),
    ):
        assert _svg(chart).tag == f"{NS}svg"
