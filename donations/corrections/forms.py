"""Back-office forms: propose a reversal, keep or refund an overpayment."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class ReverseForm(FlaskForm):
    """Propose reversing an entry (or a wrong assignment), with the reason."""

    reason = TextAreaField(
        _l("Lý do đảo (người duyệt và kiểm toán sẽ đọc)"),
        validators=[DataRequired(), Length(max=1000)],
    )


class KeepForm(FlaskForm):
    """Keep the excess for the campaign."""

    thank = BooleanField(_l("Gửi e-mail cảm ơn nhà hảo tâm"), default=True)
    note = TextAreaField(_l("Ghi chú (không bắt buộc)"), validators=[Optional(), Length(max=1000)])


class RefundForm(FlaskForm):
    """Propose refunding (part of) the excess."""

    amount = StringField(
        _l("Số tiền hoàn (đồng)"),
        validators=[DataRequired(), Length(max=30)],
        render_kw={"inputmode": "numeric"},
    )
    bank_reference = StringField(
        _l("Mã giao dịch chuyển tiền hoàn"), validators=[DataRequired(), Length(max=120)]
    )
    reason = TextAreaField(_l("Lý do"), validators=[DataRequired(), Length(max=1000)])
