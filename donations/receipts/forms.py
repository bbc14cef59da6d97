"""The form that asks for the "my gifts" link."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, StringField
from wtforms.validators import Length


class MyGiftsForm(FlaskForm):
    """Ask for the 'my gifts' link."""

    email = EmailField(_l("E-mail bạn đã dùng khi ủng hộ"), validators=[Length(max=254)])
    website = StringField(_l("Để trống ô này"), validators=[Length(max=0)])
    next = HiddenField()
