"""Back-office forms of bank transfers: the review queue and statement uploads."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from app.formtools import optional_int


class AssignForm(FlaskForm):
    """Assign a transfer from the review queue."""

    pledge_reference = StringField(
        _l("Mã cam kết (nếu biết)"), validators=[Optional(), Length(max=40)]
    )
    campaign_id = SelectField(_l("Chiến dịch nhận"), coerce=optional_int, validators=[Optional()])


class DismissForm(FlaskForm):
    """Set a transfer aside as not a donation."""

    reason = StringField(_l("Lý do"), validators=[DataRequired(), Length(min=5, max=300)])


class StatementUploadForm(FlaskForm):
    """Upload a bank statement."""

    file = FileField(
        _l("Tệp sao kê (.csv hoặc .xlsx)"),
        validators=[
            FileRequired(_l("Vui lòng chọn tệp.")),
            FileAllowed(["csv", "xlsx"], _l("Chỉ nhận tệp .csv hoặc .xlsx.")),
        ],
    )


class MonthStatementForm(FlaskForm):
    """The month's statement: balances as printed, and which imported file it is."""

    opening = StringField(
        _l("Số dư đầu kỳ (theo sao kê)"),
        validators=[DataRequired(_l("Vui lòng nhập số dư đầu kỳ.")), Length(max=40)],
    )
    closing = StringField(
        _l("Số dư cuối kỳ (theo sao kê)"),
        validators=[DataRequired(_l("Vui lòng nhập số dư cuối kỳ.")), Length(max=40)],
    )
    statement_id = SelectField(_l("Tệp sao kê đã nhập"), coerce=optional_int, choices=[])


class ResumeImportForm(FlaskForm):
    """Queue a stopped import again (the button carries only the CSRF token)."""
