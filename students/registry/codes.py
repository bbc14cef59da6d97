"""Names as people see them, and the name key used to find duplicate students."""

from __future__ import annotations

import re
import unicodedata

from app.text import strip_diacritics

_SPACES = re.compile(r"\s+")


def clean_name(name: str) -> str:
    """A name as people should see it: NFC, single spaces, trimmed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", name or "")).strip()


def name_key(name: str) -> str:
    """The name without diacritics, case or extra spaces ("Lò Thị  Mai" → "lo thi mai")."""
    return strip_diacritics(clean_name(name)).lower()


def initials(name: str) -> str:
    """ "Lò Thị Mai" → "L.T.M."."""
    return "".join(part[0].upper() + "." for part in clean_name(name).split(" ") if part)
