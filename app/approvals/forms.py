"""The decision forms on a proposal's page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length


class ApproveForm(FlaskForm):
    """Approve, with an optional note."""

    note = TextAreaField(_l("Ghi chú khi duyệt (không bắt buộc)"), validators=[Length(max=1000)])


class RefuseForm(FlaskForm):
    """Refuse, with the reason the proposer will read."""

    note = TextAreaField(_l("Lý do từ chối"), validators=[Length(max=1000)])
