"""Forms of the student registry: a student's file, a timeline step, an import."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.formtools import optional_int
from students.fields import REQUIRED_DATE, Checkboxes, DayField, Whole, enum_choices
from students.labels import GENDER, SITUATION, STATUS
from students.registry.distance import Kilometres


class StudentForm(FlaskForm):
    """A student's file."""

    full_name = StringField(
        _l("Họ và tên"), validators=[DataRequired(_l("Vui lòng nhập họ và tên.")), Length(max=120)]
    )
    birth_date = DayField(_l("Ngày sinh"), validators=[InputRequired(REQUIRED_DATE)])
    gender = SelectField(_l("Giới tính"), choices=enum_choices(GENDER))
    ethnicity = StringField(_l("Dân tộc"), validators=[Length(max=40)])
    school_id = SelectField(
        _l("Trường"), coerce=optional_int, validators=[InputRequired(_l("Vui lòng chọn trường."))]
    )
    grade = Whole(
        _l("Khối lớp (1–12)"),
        validators=[
            InputRequired(_l("Vui lòng nhập khối lớp.")),
            NumberRange(1, 12, _l("Khối lớp phải từ 1 đến 12.")),
        ],
    )
    class_name = StringField(_l("Lớp (ví dụ 7A)"), validators=[Length(max=20)])
    commune_id = SelectField(_l("Xã/phường nơi ở"), coerce=optional_int)
    address = StringField(_l("Thôn/bản, địa chỉ"), validators=[Length(max=200)])
    guardian_name = StringField(_l("Người giám hộ"), validators=[Length(max=120)])
    guardian_phone = StringField(
        _l("Số điện thoại người giám hộ"),
        validators=[Length(max=20)],
        render_kw={"type": "tel", "inputmode": "tel"},
    )
    situations = Checkboxes(_l("Hoàn cảnh gia đình"), choices=enum_choices(SITUATION))
    distance = Kilometres(_l("Khoảng cách đến trường (km)"), default=0)
    absences = Whole(
        _l("Số ngày nghỉ học trong kỳ"),
        default=0,
        validators=[Optional(), NumberRange(0, 200, _l("Từ 0 đến 200 ngày."))],
    )
    repeated_grade = BooleanField(_l("Đã từng lưu ban"))
    status = SelectField(_l("Tình trạng"), choices=enum_choices(STATUS))
    unit_id = SelectField(
        _l("Đơn vị phụ trách"),
        coerce=optional_int,
        validators=[InputRequired(_l("Vui lòng chọn đơn vị."))],
    )
    notes = TextAreaField(_l("Ghi chú"))


class StatusForm(FlaskForm):
    """A dated step of the timeline."""

    status = SelectField(_l("Tình trạng mới"), choices=enum_choices(STATUS))
    on = DayField(_l("Từ ngày"), validators=[InputRequired(REQUIRED_DATE)], default=date.today)
    note = StringField(_l("Ghi chú"), validators=[Length(max=300)])


class ImportForm(FlaskForm):
    """A review list to import."""

    file = FileField(_l("Tệp danh sách (.xlsx hoặc .csv)"))
    unit_id = SelectField(_l("Đơn vị phụ trách các học sinh này"), coerce=optional_int)
