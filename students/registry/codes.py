"""Public ids and the name key used to find duplicate students."""

from __future__ import annotations

import re
import secrets
import unicodedata

from sqlalchemy import select

from app.extensions import db

# Crockford base32 without I, L, O, U: nothing to misread on a printed list.
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_SPACES = re.compile(r"\s+")


def random_code(length: int) -> str:
    """`length` random Crockford characters."""
    return "".join(secrets.choice(CROCKFORD) for _ in range(length))


def new_public_id(model, prefix: str, length: int = 5) -> str:
    """A `prefix-XXXXX` id not yet used by `model.public_id`."""
    for _ in range(20):
        candidate = f"{prefix}-{random_code(length)}"
        taken = db.session.execute(select(model.id).where(model.public_id == candidate)).first()
        if taken is None:
            return candidate
    # 32^5 ids; twenty collisions in a row means the space is nearly full: grow it.
    return new_public_id(model, prefix, length + 1)


def clean_name(name: str) -> str:
    """A name as people should see it: NFC, single spaces, trimmed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", name or "")).strip()


def name_key(name: str) -> str:
    """The name without diacritics, case or extra spaces ("Lò Thị  Mai" → "lo thi mai")."""
    text = unicodedata.normalize("NFD", clean_name(name).replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return text.lower()


def initials(name: str) -> str:
    """ "Lò Thị Mai" → "L.T.M."."""
    return "".join(part[0].upper() + "." for part in clean_name(name).split(" ") if part)
