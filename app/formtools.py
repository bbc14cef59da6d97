"""Small helpers shared by every form-handling view."""

from __future__ import annotations

from collections.abc import Mapping

from flask import flash, request

from app.errors import DomainError


def show_error(form, err: DomainError, fields: Mapping[str, str] | None = None) -> None:
    """Put a domain error on its form field (`fields` renames it), or flash it."""
    name = (fields or {}).get(err.field, err.field) if err.field else None
    field = getattr(form, name, None) if name else None
    if field is not None:
        field.errors = list(field.errors) + [str(err.message)]
    else:
        flash(str(err.message), "error")


def optional_int(value):
    """SelectField coercion that allows an empty choice."""
    return int(value) if value not in (None, "", "None") else None


def form_status(form) -> int:
    """422 for a submitted form with errors, so tests and tools see the failure; 200 otherwise."""
    return 422 if request.method == "POST" and form.errors else 200


def page_number() -> int:
    """The ?page= argument, at least 1, whatever was typed."""
    raw = request.args.get("page", "1")
    # A page beyond a million is a typo or a probe (25 digits would overflow the OFFSET).
    if not raw.isdigit() or len(raw) > 7:
        return 1
    return max(int(raw), 1)
