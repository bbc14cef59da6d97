"""Forms for proposing money out of a campaign (labels in Vietnamese via lazy_gettext)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.errors import DomainError
from app.formtools import optional_int
from app.money import MoneyError, parse_amount
from campaigns.spending.models import EXPENSE_KIND_LABELS


def parse_money(text: str | None, field: str = "amount") -> int:
    """An amount typed by a person (1.500.000, 1,5 triệu…), refused on its field."""
    try:
        return parse_amount(text or "", maximum=10**13)
    except MoneyError as err:
        raise DomainError(err.message, field=field) from None


class ExpenseForm(FlaskForm):
    """A payment to a supplier or builder, with the invoice it pays."""

    kind = SelectField(
        _l("Loại khoản chi"), choices=[(k.value, v) for k, v in EXPENSE_KIND_LABELS.items()]
    )
    description = StringField(
        _l("Nội dung chi"),
        validators=[DataRequired(_l("Vui lòng ghi nội dung chi.")), Length(max=200)],
    )
    supplier = StringField(
        _l("Nhà cung cấp / đơn vị thi công"),
        validators=[DataRequired(_l("Vui lòng ghi nhà cung cấp hoặc đơn vị thi công."))],
    )
    tax_code = StringField(_l("Mã số thuế (nếu có)"), validators=[Optional(), Length(max=20)])
    invoice_number = StringField(
        _l("Số hoá đơn"), validators=[DataRequired(_l("Vui lòng ghi số hoá đơn."))]
    )
    invoice_date = DateField(
        _l("Ngày hoá đơn"), validators=[DataRequired(_l("Vui lòng nhập ngày hoá đơn."))]
    )
    amount = StringField(
        _l("Số tiền (đồng)"), validators=[DataRequired(_l("Vui lòng nhập số tiền."))]
    )
    budget_line_id = SelectField(_l("Hạng mục dự toán"), coerce=optional_int, choices=[])
    invoice = FileField(
        _l("Ảnh chụp hoặc bản quét hoá đơn (JPEG, PNG, PDF)"),
        validators=[FileRequired(_l("Vui lòng tải lên ảnh chụp hoặc bản quét hoá đơn."))],
    )
    public_copy = FileField(_l("Bản đã che thông tin cá nhân, để công khai (không bắt buộc)"))
    reason = TextAreaField(
        _l("Ghi chú cho người duyệt (không bắt buộc)"), validators=[Length(max=1000)]
    )


class ReallocationForm(FlaskForm):
    """The board's decision to move money to another campaign."""

    target_id = SelectField(_l("Chuyển sang chiến dịch"), coerce=optional_int, choices=[])
    amount = StringField(
        _l("Số tiền (đồng)"), validators=[DataRequired(_l("Vui lòng nhập số tiền."))]
    )
    minutes_ref = StringField(
        _l("Số biên bản / quyết định của Ban điều hành"),
        validators=[
            DataRequired(_l("Vui lòng ghi số biên bản hoặc quyết định của Ban điều hành."))
        ],
    )
    reason = TextAreaField(
        _l("Lý do điều chuyển"), validators=[DataRequired(_l("Vui lòng ghi lý do điều chuyển."))]
    )
