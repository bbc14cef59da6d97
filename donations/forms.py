"""Forms of the donations package; the rules themselves live in the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from app.money import format_vnd
from donations.services import PRESET_AMOUNTS


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class DonationForm(FlaskForm):
    """The donor's form: amount, name or anonymous, receipt details, how to pay."""

    amount_choice = RadioField(
        _l("Số tiền ủng hộ"),
        choices=[(str(a), format_vnd(a, "vi")) for a in PRESET_AMOUNTS]
        + [("other", _l("Số khác"))],
        default=str(PRESET_AMOUNTS[1]),
    )
    amount_other = StringField(
        _l("Số tiền khác (đồng)"),
        validators=[Optional(), Length(max=40)],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "placeholder": "300.000"},
    )
    monthly = BooleanField(_l("Ủng hộ hằng tháng (lệnh chuyển tiền định kỳ)"))
    donor_name = StringField(
        _l("Tên hiển thị"), validators=[Length(max=120)], render_kw={"autocomplete": "name"}
    )
    anonymous = BooleanField(_l("Ủng hộ ẩn danh"))
    show_on_wall = BooleanField(_l("Đồng ý hiện tên trên bảng vinh danh nhà hảo tâm"), default=True)
    message = TextAreaField(_l("Lời nhắn (không bắt buộc)"), validators=[Length(max=500)])
    email = StringField(
        _l("E-mail nhận biên nhận"),
        validators=[Length(max=254)],
        render_kw={"type": "email", "autocomplete": "email", "inputmode": "email"},
    )
    phone = StringField(
        _l("Số điện thoại (không bắt buộc)"),
        validators=[Length(max=20)],
        render_kw={"type": "tel", "autocomplete": "tel", "inputmode": "tel"},
    )
    is_business = BooleanField(_l("Tôi ủng hộ với tư cách doanh nghiệp (cần biên nhận có MST)"))
    company_name = StringField(_l("Tên doanh nghiệp"), validators=[Length(max=200)])
    tax_code = StringField(
        _l("Mã số thuế"),
        validators=[Length(max=20)],
        render_kw={"inputmode": "numeric", "placeholder": "0101234567"},
    )
    company_address = StringField(_l("Địa chỉ doanh nghiệp"), validators=[Length(max=300)])
    method = RadioField(
        _l("Cách thanh toán"),
        choices=[("bank", _l("Chuyển khoản ngân hàng (VietQR)")), ("card", _l("Thẻ quốc tế"))],
        default="bank",
    )
    # Honeypot: hidden from people, filled in by naive bots.
    website = StringField(_l("Để trống ô này"), render_kw={"autocomplete": "off", "tabindex": "-1"})

    def chosen_amount(self) -> str:
        """The amount as typed or chosen (the service parses and checks it)."""
        if self.amount_choice.data == "other" or (self.amount_other.data or "").strip():
            return (self.amount_other.data or "").strip()
        return self.amount_choice.data or ""


class AssignForm(FlaskForm):
    """Assign a transfer from the review queue."""

    pledge_reference = StringField(
        _l("Mã cam kết (nếu biết)"), validators=[Optional(), Length(max=40)]
    )
    campaign_id = SelectField(_l("Chiến dịch nhận"), coerce=_optional_int, validators=[Optional()])


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


class ConfirmImportForm(FlaskForm):
    """Confirm an import after its preview."""

    token = HiddenField(validators=[DataRequired(), Length(min=64, max=80)])
    filename = HiddenField(validators=[DataRequired(), Length(max=200)])


class InKindForm(FlaskForm):
    """Goods received by a unit."""

    campaign_id = SelectField(_l("Chiến dịch"), coerce=_optional_int, validators=[DataRequired()])
    unit_id = SelectField(_l("Đơn vị nhận"), coerce=_optional_int, validators=[DataRequired()])
    asset = SelectField(_l("Loại hiện vật"), validators=[DataRequired()])
    quantity = StringField(
        _l("Số lượng"),
        validators=[DataRequired(), Length(max=20)],
        render_kw={"inputmode": "decimal"},
    )
    estimated_value = StringField(
        _l("Giá trị ước tính (đồng, để trống để tính theo đơn giá)"),
        validators=[Optional(), Length(max=40)],
        render_kw={"inputmode": "numeric"},
    )
    donor_name = StringField(_l("Nhà hảo tâm"), validators=[Length(max=160)])
    anonymous = BooleanField(_l("Ẩn danh"))
    received_on = DateField(_l("Ngày nhận"), validators=[DataRequired()])
    note = TextAreaField(_l("Ghi chú"), validators=[Length(max=2000)])
