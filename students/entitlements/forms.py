"""Forms: an entitlement of a student, the school's confirmation, a kind (admin)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from app.formtools import optional_int
from students.entitlements.models import Category
from students.fields import Checkboxes, DayField, Whole, enum_choices
from students.labels import SITUATION

CATEGORY = {
    Category.tuition_exemption: _l("Miễn học phí"),
    Category.tuition_reduction: _l("Giảm học phí"),
    Category.learning_cost: _l("Hỗ trợ chi phí học tập"),
    Category.boarding: _l("Hỗ trợ bán trú, nội trú"),
    Category.other: _l("Chế độ khác"),
}


class ConfirmForm(FlaskForm):
    """Whether the school confirms the student received it, and when."""

    received = BooleanField(_l("Nhà trường xác nhận em đã nhận"))
    confirmed_on = DayField(_l("Ngày xác nhận"))
    confirmed_by = StringField(_l("Người xác nhận (nhà trường)"), validators=[Length(max=120)])
    note = StringField(_l("Ghi chú"), validators=[Optional(), Length(max=300)])


class EntitlementForm(ConfirmForm):
    """A new record: the student, the kind, the school year, then the confirmation."""

    student = SelectField(_l("Học sinh"), validators=[DataRequired(_l("Vui lòng chọn học sinh."))])
    kind = SelectField(_l("Chế độ"), coerce=optional_int)
    school_year = SelectField(_l("Năm học"))


class KindForm(FlaskForm):
    """A kind of entitlement, as the law in force names it."""

    code = StringField(_l("Mã"), validators=[DataRequired(_l("Vui lòng nhập mã.")), Length(max=40)])
    name = StringField(
        _l("Tên chế độ"), validators=[DataRequired(_l("Vui lòng nhập tên.")), Length(max=200)]
    )
    category = SelectField(_l("Loại"), choices=enum_choices(CATEGORY))
    legal_basis = StringField(
        _l("Căn cứ pháp lý"),
        validators=[DataRequired(_l("Vui lòng ghi căn cứ pháp lý.")), Length(max=300)],
    )
    situations = Checkboxes(_l("Hoàn cảnh được hưởng"), choices=enum_choices(SITUATION))
    minority_communes = Checkboxes(
        _l("Xã nơi học sinh dân tộc thiểu số được hưởng"), coerce=int, choices=[]
    )
    active = BooleanField(_l("Đang áp dụng"), default=True)
    position = Whole(_l("Thứ tự"), default=0, validators=[Optional()])
