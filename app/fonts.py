"""Paths of the fonts shipped with the project (full Vietnamese coverage)."""

from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"
REGULAR = FONT_DIR / "DejaVuSans.ttf"
BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"
