"""Every text field of every form is cleaned of invisible characters (app.text.clean_text).

Installed once on WTForms' StringField (TextAreaField, EmailField, SearchField… derive from
it); PasswordField is left alone so that a password is exactly what was typed.
"""

from __future__ import annotations

from wtforms import PasswordField, StringField

from app.text import clean_text

_original = StringField.process_formdata


def _process_formdata(self, valuelist):
    _original(self, valuelist)
    if isinstance(self.data, str) and not isinstance(self, PasswordField):
        self.data = clean_text(self.data)


def install() -> None:
    """Patch StringField once (idempotent)."""
    if StringField.process_formdata is not _process_formdata:
        StringField.process_formdata = _process_formdata
