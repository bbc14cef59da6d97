"""Public ids people read aloud and type: a prefix and Crockford base32 (`DT-7Q2K9X`)."""

from __future__ import annotations

import secrets

from sqlalchemy import select

from app.extensions import db

# Crockford base32 without I, L, O, U: nothing to misread on a printed list.
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


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
