"""The card button's form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length


class CardForm(FlaskForm):
    """The card button: only a CSRF token and a honeypot that people never see."""

    website = StringField(_l("Để trống ô này"), validators=[Length(max=0)])
