"""The form a unit fills in when it receives goods."""

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
