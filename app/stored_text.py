"""Messages stored in the database for display, shown later in the reader's language.

A service builds such a message as a lazy translation, `_l("Mã %(codes)s …", codes=…)`. The
row keeps two things: the Vietnamese text (plain, for search, exports and old readers) and the
message itself as JSON, `{"id": msgid, "params": {...}}`, which `display` translates when a
page shows it. A parameter may itself be a message, or an amount made with `vnd` / `quantity`
(formatted for the reader too). Rows written before a message was stored this way have only
the text; a text that is a msgid of its own (no parameters) is still translated.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import force_locale, gettext
from flask_babel.speaklater import LazyString

from app.money import format_quantity, format_vnd

SOURCE_LOCALE = "vi"
_FORMATTERS: dict[str, Callable[..., str]] = {"vnd": format_vnd, "quantity": format_quantity}


def vnd(amount: int) -> LazyString:
    """An amount of đồng, formatted when shown (1.500.000 ₫ / ₫1,500,000)."""
    return LazyString(format_vnd, amount)


def quantity(amount: int, asset: str) -> LazyString:
    """An amount of any asset, formatted when shown (12,5 kg gạo / 12.5 kg rice)."""
    return LazyString(format_quantity, amount, asset)


def _lazy_message(text) -> tuple[str, dict] | None:
    """(msgid, params) of a `lazy_gettext` string, None for anything else."""
    if (
        isinstance(text, LazyString)
        and text._func is gettext
        and len(text._args) == 1
        and isinstance(text._args[0], str)
    ):
        return text._args[0], dict(text._kwargs)
    return None


def _param(value):
    """A parameter as JSON: a nested message, a formatted amount, a number, or text."""
    if _lazy_message(value) is not None:
        return freeze(value)
    if isinstance(value, LazyString):
        for name, func in _FORMATTERS.items():
            if value._func is func:
                return {"fn": name, "args": list(value._args)}
    if isinstance(value, bool | int):
        return value
    return vietnamese(value)


def freeze(text) -> dict | None:
    """The message as JSON for a column, or None when `text` is plain text."""
    parts = _lazy_message(text)
    if parts is None:
        return None
    msgid, params = parts
    return {"id": msgid, "params": {name: _param(value) for name, value in params.items()}}


def vietnamese(text) -> str:
    """The text in the source language, whatever the reader's language is."""
    if text is None:
        return ""
    if not isinstance(text, LazyString):
        return str(text)
    with force_locale(SOURCE_LOCALE):
        return str(text)


def pack(text) -> dict | str:
    """A message for a JSON blob (a preview file, a report): frozen, or plain text."""
    return freeze(text) or vietnamese(text)


def _thaw(value, translate=gettext):
    if isinstance(value, dict) and "fn" in value:
        return _FORMATTERS[value["fn"]](*value["args"])
    if isinstance(value, dict):
        return _render(value, translate)
    return value


def _render(frozen: dict, translate=gettext) -> str:
    params = {name: _thaw(v, translate) for name, v in (frozen.get("params") or {}).items()}
    return translate(frozen["id"], **params)


def _source(msgid: str, **params) -> str:
    return msgid % params if params else msgid


def display(frozen: dict | None, text: str | None) -> str:
    """What to show: the stored message in the reader's language, else the stored text."""
    if isinstance(frozen, dict) and frozen.get("id"):
        try:
            return _render(frozen)
        except (KeyError, TypeError, ValueError):
            # A catalog entry that lost a placeholder: the Vietnamese text still reads.
            return text or _render(frozen, _source)
    if not text:
        return ""
    # An older row's note may be a whole msgid ("… không có mã ủng hộ hợp lệ."): translate it.
    return gettext(text)


def unpack(value: dict | str | None) -> str:
    """A value made by `pack`, in the reader's language."""
    if isinstance(value, dict):
        return display(value, None)
    return display(None, value)
