"""Text helpers every package shares: diacritics, e-mail addresses."""

from __future__ import annotations

import unicodedata

from email_validator import EmailNotValidError, validate_email

# Letters NFKD leaves alone; Vietnamese đ is a separate letter, not d + a mark.
_EXTRA_FOLDS = str.maketrans({"Đ": "D", "đ": "d", "Ð": "D", "ð": "d"})
EMAIL_MAX = 254


def strip_diacritics(text: str) -> str:
    """Remove Vietnamese diacritics (and Đ/đ → D/d), keeping everything else."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_EXTRA_FOLDS))
    if decomposed.isascii():  # most bank memos: nothing to strip
        return decomposed
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalize_email(raw: str) -> str | None:
    """The address lower-cased and normalised, or None when it is not a valid address.

    The one e-mail check of the platform (syntax only: no DNS look-up, which would make a form
    depend on the network).
    """
    text = (raw or "").strip()
    if not text or len(text) > EMAIL_MAX:
        return None
    try:
        valid = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return None
    return valid.normalized.lower()
