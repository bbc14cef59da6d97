"""Charts drawn as inline SVG on the server: no script, no CDN, readable as an image and
described in words; every chart is shown beside a data table with the same numbers.

Colours are SVG presentation attributes (not style attributes), so a strict
Content-Security-Policy allows them. Amounts are integers; bar lengths are computed with
integer arithmetic from the largest value.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

GREEN = "#0b6b3a"
BRAND = "#b3261e"
GREY = "#6b7280"
TRACK = "#e3e6eb"
INK = "#1b1f24"
FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value, and the text shown for the value."""

    label: str
    value: int
    text: str = ""


def _text(value: int, fmt: Callable[[int], str] | None) -> str:
    return fmt(value) if fmt else f"{value:,}".replace(",", ".")


def _open(width: int, height: int, title: str, description: str, key: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="chart" role="img" aria-labelledby="{key}-t {key}-d" '
        f'preserveAspectRatio="xMinYMin meet">'
        f'<title id="{key}-t">{escape(title)}</title><desc id="{key}-d">{escape(description)}</desc>'
    )


def _key(title: str) -> str:
    """An id for the chart's title and description, the same in every process."""
    return f"c{zlib.crc32(title.encode()):08x}"


def hbars(
    bars: Sequence[Bar],
    *,
    title: str,
    fmt: Callable[[int], str] | None = None,
    width: int = 640,
    colour: str = GREEN,
) -> Markup:
    """Horizontal bars, largest scale = the largest value (channels, units, kinds)."""
    row, label_w, gap = 34, 200, 8
    height = max(row * len(bars), row) + gap
    top = max((b.value for b in bars), default=0) or 1
    key = _key(title)
    description = "; ".join(f"{b.label}: {b.text or _text(b.value, fmt)}" for b in bars)
    parts = [_open(width, height, title, description, key)]
    track = width - label_w - 110
    for i, bar in enumerate(bars):
        y = i * row + gap
        length = max(bar.value * track // top, 2 if bar.value else 0)
        parts.append(
            f'<text x="0" y="{y + 17}" font-size="13" fill="{INK}" {FONT}>'
            f"{escape(bar.label[:34])}</text>"
            f'<rect x="{label_w}" y="{y + 4}" width="{track}" height="18" fill="{TRACK}" rx="3"/>'
            f'<rect x="{label_w}" y="{y + 4}" width="{length}" height="18" fill="{colour}" rx="3">'
            f"<title>{escape(bar.label)}: {escape(bar.text or _text(bar.value, fmt))}</title></rect>"
            f'<text x="{label_w + track + 8}" y="{y + 17}" font-size="12" fill="{INK}" {FONT}>'
            f"{escape(bar.text or _text(bar.value, fmt))}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it went through escape()


def columns(
    bars: Sequence[Bar],
    *,
    title: str,
    fmt: Callable[[int], str] | None = None,
    width: int = 640,
    height: int = 220,
    colour: str = GREEN,
) -> Markup:
    """Vertical columns in order (days, months): labels under the first, middle and last."""
    base, left, top_pad = height - 28, 4, 18
    top = max((b.value for b in bars), default=0) or 1
    key = _key(title)
    description = "; ".join(f"{b.label}: {b.text or _text(b.value, fmt)}" for b in bars)
    parts = [_open(width, height, title, description, key)]
    parts.append(f'<line x1="0" y1="{base}" x2="{width}" y2="{base}" stroke="{GREY}"/>')
    count = max(len(bars), 1)
    step = (width - left * 2) // count
    bar_w = max(step - 2, 1)
    shown = {0, count // 2, count - 1}
    for i, bar in enumerate(bars):
        x = left + i * step
        h = bar.value * (base - top_pad) // top
        parts.append(
            f'<rect x="{x}" y="{base - h}" width="{bar_w}" height="{h}" fill="{colour}">'
            f"<title>{escape(bar.label)}: {escape(bar.text or _text(bar.value, fmt))}</title></rect>"
        )
        if i in shown:
            anchor = "start" if i == 0 else "end" if i == count - 1 else "middle"
            tx = x if anchor == "start" else x + bar_w if anchor == "end" else x + bar_w // 2
            parts.append(
                f'<text x="{tx}" y="{height - 8}" font-size="12" text-anchor="{anchor}" '
                f'fill="{INK}" {FONT}>{escape(bar.label)}</text>'
            )
    parts.append(
        f'<text x="{width - 4}" y="12" font-size="12" text-anchor="end" fill="{GREY}" {FONT}>'
        f"{escape('max ' + _text(top, fmt))}</text></svg>"
    )
    return Markup("".join(parts))  # noqa: S704 - every text in it went through escape()


def paired(
    rows: Sequence[tuple[str, int, int]],
    *,
    title: str,
    legend: tuple[str, str],
    fmt: Callable[[int], str] | None = None,
    width: int = 640,
) -> Markup:
    """Two bars per row against one scale (budget vs spent): the first grey, the second green."""
    row, label_w = 48, 200
    height = row * max(len(rows), 1) + 30
    top = max((max(a, b) for _, a, b in rows), default=0) or 1
    key = _key(title)
    description = "; ".join(
        f"{label}: {legend[0]} {_text(a, fmt)}, {legend[1]} {_text(b, fmt)}" for label, a, b in rows
    )
    parts = [_open(width, height, title, description, key)]
    track = width - label_w - 110
    for i, (label, first, second) in enumerate(rows):
        y = i * row + 4
        parts.append(
            f'<text x="0" y="{y + 20}" font-size="13" fill="{INK}" {FONT}>{escape(label[:34])}</text>'
        )
        for j, (value, colour) in enumerate(((first, GREY), (second, GREEN))):
            length = max(value * track // top, 2 if value else 0)
            by = y + j * 20
            parts.append(
                f'<rect x="{label_w}" y="{by}" width="{length}" height="16" fill="{colour}" rx="2">'
                f"<title>{escape(label)} – {escape(legend[j])}: {escape(_text(value, fmt))}</title>"
                f'</rect><text x="{label_w + length + 6}" y="{by + 13}" font-size="11" '
                f'fill="{INK}" {FONT}>{escape(_text(value, fmt))}</text>'
            )
    ly = height - 10
    parts.append(
        f'<rect x="0" y="{ly - 10}" width="12" height="12" fill="{GREY}"/>'
        f'<text x="18" y="{ly}" font-size="12" fill="{INK}" {FONT}>{escape(legend[0])}</text>'
        f'<rect x="180" y="{ly - 10}" width="12" height="12" fill="{GREEN}"/>'
        f'<text x="198" y="{ly}" font-size="12" fill="{INK}" {FONT}>{escape(legend[1])}</text>'
        "</svg>"
    )
    return Markup("".join(parts))  # noqa: S704 - every text in it went through escape()
