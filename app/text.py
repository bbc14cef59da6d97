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


# Characters nobody types on purpose in a name or a message, and that attackers use: NUL and
# other control characters (tab and newline are kept where text may have lines), bidi
# overrides and isolates (which make "gpj.exe" read as "exe.jpg"), zero-width characters.
_INVISIBLE = dict.fromkeys(
    [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, *range(0x80, 0xA0)]
    + [0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF, 0x00AD]
    + [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)


def clean_text(value: str) -> str:
    """The text without control, bidi-override and zero-width characters, in NFC form.

    Vietnamese typed on a Mac arrives decomposed (NFD); NFC makes "Nguyễn" one spelling.
    """
    return unicodedata.normalize("NFC", value.translate(_INVISIBLE))
