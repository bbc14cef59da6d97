"""The donation form; the rules themselves live in the pledge services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from app.money import format_vnd
from donations.pledges.services import PRESET_AMOUNTS


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

    def show_problems(self, found: dict[str, str]) -> None:
        """Put each of the service's problems on its field (the amount on "other amount")."""
        for name, message in found.items():
            field = self._fields.get("amount_other" if name == "amount" else name)
            if field is None:
                field = self.amount_other
            field.errors = [*field.errors, message]

    def error_summary(self) -> list[tuple[str, str]]:
        """(field id, message) of every error, in the order of the page."""
        return [(f.id, e) for f in self if f.id != "website" for e in f.errors]

    def chosen_amount(self) -> str:
        """The amount as typed or chosen (the service parses and checks it)."""
        if self.amount_choice.data == "other" or (self.amount_other.data or "").strip():
            return (self.amount_other.data or "").strip()
        return self.amount_choice.data or ""
