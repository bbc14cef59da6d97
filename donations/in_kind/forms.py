"""The forms of goods: received by a unit, bought for its store, counted in a stock-take."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.formtools import optional_int


class InKindForm(FlaskForm):
    """Goods received by a unit."""

    campaign_id = SelectField(_l("Chiến dịch"), coerce=optional_int, validators=[DataRequired()])
    unit_id = SelectField(_l("Đơn vị nhận"), coerce=optional_int, validators=[DataRequired()])
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


class StockPurchaseForm(FlaskForm):
    """Goods bought with a campaign's money for a unit's store."""

    campaign_id = SelectField(
        _l("Chiến dịch trả tiền"), coerce=optional_int, validators=[DataRequired()]
    )
    unit_id = SelectField(_l("Đơn vị nhận hàng"), coerce=optional_int, validators=[DataRequired()])
    asset = SelectField(_l("Loại hàng"), validators=[DataRequired()])
    quantity = StringField(
        _l("Số lượng"),
        validators=[DataRequired(), Length(max=20)],
        render_kw={"inputmode": "decimal"},
    )
    amount = StringField(
        _l("Số tiền (đồng)"),
        validators=[DataRequired(), Length(max=30)],
        render_kw={"inputmode": "numeric"},
    )
    supplier = StringField(_l("Nhà cung cấp"), validators=[Length(max=200)])
    invoice_number = StringField(_l("Số hoá đơn"), validators=[Length(max=60)])
    invoice_date = DateField(_l("Ngày hoá đơn"), validators=[Optional()])
    reason = TextAreaField(_l("Lý do mua"), validators=[Length(max=2000)])


class StockTakeForm(FlaskForm):
    """What a unit counted of one asset."""

    unit_id = SelectField(_l("Đơn vị kiểm kê"), coerce=optional_int, validators=[DataRequired()])
    asset = SelectField(_l("Loại hàng"), validators=[DataRequired()])
    counted = StringField(
        _l("Số đếm được"),
        validators=[DataRequired(), Length(max=20)],
        render_kw={"inputmode": "decimal"},
    )
    counted_on = DateField(_l("Ngày kiểm kê"), validators=[DataRequired()])
    campaign_id = SelectField(
        _l("Chiến dịch sở hữu phần chênh lệch"), coerce=optional_int, validators=[Optional()]
    )
    reason = TextAreaField(_l("Lý do chênh lệch"), validators=[Length(max=2000)])
