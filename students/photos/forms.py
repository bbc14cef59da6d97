"""Forms of a student's photo: upload or replace, remove."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField


class PhotoForm(FlaskForm):
    """A student's photo (upload or replace)."""

    photo = FileField(
        _l("Ảnh của học sinh (JPEG, PNG hoặc WebP)"),
        render_kw={"accept": "image/jpeg,image/png,image/webp"},
    )


class PhotoRemoveForm(FlaskForm):
    """Remove the photo (only the CSRF token)."""
