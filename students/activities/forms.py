"""The activity form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.formtools import optional_int
from students.activities.models import ActivityKind
from students.activities.photos import PhotoConsent
from students.fields import REQUIRED_DATE, DayField, Whole, enum_choices

KIND = {
    ActivityKind.charity_class: _l("Lớp học tình thương"),
    ActivityKind.summer_review: _l("Lớp ôn tập hè"),
    ActivityKind.art_programme: _l("Chương trình nghệ thuật gây quỹ"),
    ActivityKind.encouragement: _l("Gặp mặt, động viên học sinh"),
    ActivityKind.drive: _l("Đợt vận động học sinh ra lớp"),
    ActivityKind.other: _l("Hoạt động khác"),
}
GROUPS = {
    "members": _l("Đoàn viên"),
    "teachers": _l("Thầy cô"),
    "volunteers": _l("Tình nguyện viên"),
    "parents": _l("Phụ huynh"),
    "students": _l("Học sinh tham gia"),
}


class ActivityForm(FlaskForm):
    """What, when, where, who, how many, through which campaign."""

    unit_id = SelectField(_l("Đơn vị tổ chức"), coerce=optional_int)
    kind = SelectField(_l("Loại hoạt động"), choices=enum_choices(KIND))
    title = StringField(
        _l("Tên hoạt động"),
        validators=[DataRequired(_l("Vui lòng nhập tên hoạt động.")), Length(max=200)],
    )
    held_on = DayField(_l("Ngày tổ chức"), validators=[InputRequired(REQUIRED_DATE)])
    ends_on = DayField(_l("Ngày kết thúc (nếu nhiều ngày)"))
    place = StringField(
        _l("Địa điểm"), validators=[DataRequired(_l("Vui lòng nhập địa điểm.")), Length(max=200)]
    )
    organisers = StringField(_l("Đơn vị, người tổ chức"), validators=[Length(max=300)])
    p_members = Whole(GROUPS["members"], validators=[Optional()])
    p_teachers = Whole(GROUPS["teachers"], validators=[Optional()])
    p_volunteers = Whole(GROUPS["volunteers"], validators=[Optional()])
    p_parents = Whole(GROUPS["parents"], validators=[Optional()])
    p_students = Whole(GROUPS["students"], validators=[Optional()])
    students_reached = Whole(_l("Số học sinh được hỗ trợ, vận động"), validators=[Optional()])
    campaign_id = SelectField(_l("Chiến dịch nhận tiền, hiện vật quyên góp"), coerce=optional_int)
    notes = TextAreaField(_l("Ghi chú"))

    def participants(self) -> dict:
        """Count of each group (None when left empty)."""
        return {g: getattr(self, f"p_{g}").data for g in GROUPS}


CONSENT = {
    PhotoConsent.none: _l("Chưa xác nhận: chỉ dùng nội bộ"),
    PhotoConsent.no_children: _l("Không có trẻ em nhận ra được trong ảnh"),
    PhotoConsent.guardians: _l("Phụ huynh các em trong ảnh đã đồng ý bằng văn bản"),
}


class PhotoForm(FlaskForm):
    """CSRF only: the photo fields are read by name (several files in one input)."""
