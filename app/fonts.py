"""The fonts shipped with the project (full Vietnamese coverage), and a lighter cut of them.

DejaVu Sans is 750 kB with thousands of glyphs; fpdf2 parses the whole file for every PDF and
subsets it again when the PDF is written, about 150 ms a receipt. `pdf_fonts(texts)` gives the
paths of a cut holding only what our documents use (Latin with every Vietnamese letter, punctuation, ₫),
made once per process (and kept on disk in the
instance folder for the next one): a receipt then takes a fraction of the time. A text with a character
outside the cut (a donor's name in another script) gets the full fonts, so nothing is lost.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterable
from functools import cache
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"
REGULAR = FONT_DIR / "DejaVuSans.ttf"
BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"

# Code points kept in the cut (inclusive ranges).
RANGES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x017F),  # Latin-1 and Latin Extended-A (â, ê, ô, đ, ĩ, ũ…)
    (0x01A0, 0x01B0),  # ơ, ư and their capitals
    (0x0300, 0x0309),  # the combining accents Vietnamese uses (decomposed text)
    (0x0323, 0x0323),  # combining dot below
    (0x1EA0, 0x1EF9),  # Latin Extended Additional: the Vietnamese letters with two marks
    (0x2010, 0x2026),  # dashes, quotes, bullet, ellipsis
    (0x20AB, 0x20AC),  # ₫ €
    (0x2116, 0x2116),  # №
)
# Bumped when the way the cut is made changes, so that a cached older cut is not reused.
CUT = 2
_COVERED = frozenset(cp for low, high in RANGES for cp in range(low, high + 1))
_lock = threading.Lock()


def cache_dir() -> Path:
    """Where the cut fonts are kept between processes (instance/cache/fonts)."""
    from app.config import INSTANCE

    return Path(os.environ.get("FONT_CACHE_DIR", INSTANCE / "cache" / "fonts"))


def _cut(source: Path) -> Path:
    """The cut of `source`, written once (atomically) under a name that changes with it."""
    digest = hashlib.sha256(source.read_bytes() + repr((RANGES, CUT)).encode()).hexdigest()[:12]
    target = cache_dir() / f"{source.stem}-cut-{digest}.ttf"
    if target.exists():
        return target
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    # fpdf2 drops the layout tables when it writes a PDF and does no shaping, and PDF viewers
    # rasterise outlines themselves: without hinting and layout the cut is a third of the size
    # and each PDF's own subset of it costs far less to make.
    options.layout_features = []
    options.hinting = False
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables = [*options.drop_tables, "FFTM", "GDEF", "GPOS", "GSUB", "kern"]
    font = TTFont(str(source))
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(_COVERED))
    subsetter.subset(font)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    font.save(str(partial))
    os.replace(partial, target)  # another process writing the same cut gives the same bytes
    return target


@cache
def cut_fonts() -> tuple[Path, Path]:
    """Regular and bold, cut to the scripts in RANGES (made once per process)."""
    with _lock:
        return _cut(REGULAR), _cut(BOLD)


def covered(texts: Iterable[str]) -> bool:
    """True when every character of `texts` is in the cut (line breaks and tabs aside)."""
    return all(ord(ch) in _COVERED for text in texts for ch in text if ch not in "\n\r\t")


def pdf_fonts(texts: Iterable[str] = ()) -> tuple[Path, Path]:
    """Regular and bold font files for a PDF showing `texts`: the cut when it covers them."""
    if covered(texts):
        try:
            return cut_fonts()
        except OSError:  # a read-only instance folder: the full fonts still work
            return REGULAR, BOLD
    return REGULAR, BOLD


def add_pdf_fonts(pdf, family: str, regular: Path = REGULAR, bold: Path = BOLD) -> None:
    """Give an fpdf2 document the regular and bold faces of `family`.

    Each PDF's subset of them is then written without recomputing every glyph's bounding box:
    the glyphs keep the bounds the font file already holds, so fontTools copies their bytes
    instead of decoding and re-encoding every outline (most of the cost of a receipt).
    """
    pdf.add_font(family, "", str(regular))
    pdf.add_font(family, "B", str(bold))
    for font in pdf.fonts.values():
        ttfont = getattr(font, "ttfont", None)
        if ttfont is not None:
            ttfont.recalcBBoxes = False
