"""Forms of care: consent, a household visit, the term of the outcomes."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from students.fields import REQUIRED_DATE, Checkboxes, DayField, enum_choices
from students.labels import CAUSE, SCOPE


class ConsentForm(FlaskForm):
    """Guardian (and child) consent."""

    guardian_name = StringField(
        _l("Người giám hộ đồng ý"),
        validators=[DataRequired(_l("Vui lòng nhập tên người giám hộ.")), Length(max=120)],
    )
    given_on = DayField(
        _l("Ngày đồng ý"), validators=[InputRequired(REQUIRED_DATE)], default=date.today
    )
    scope = RadioField(_l("Phạm vi được công khai"), choices=enum_choices(SCOPE), default="none")
    child_agreed = BooleanField(_l("Học sinh (từ 7 tuổi) cũng đồng ý"))
    scan = FileField(_l("Bản quét giấy đồng ý (ảnh hoặc PDF, không bắt buộc)"))


class VisitForm(FlaskForm):
    """A household visit."""

    visited_on = DayField(
        _l("Ngày thăm"), validators=[InputRequired(REQUIRED_DATE)], default=date.today
    )
    visitors = StringField(
        _l("Người đi thăm"),
        validators=[DataRequired(_l("Vui lòng ghi ai đã đi thăm.")), Length(max=300)],
    )
    met = StringField(_l("Đã gặp ai"), validators=[Length(max=300)])
    findings = TextAreaField(_l("Tình hình ghi nhận"))
    causes = Checkboxes(_l("Nguyên nhân"), choices=enum_choices(CAUSE))
    family_wishes = TextAreaField(_l("Nguyện vọng của gia đình"))
    child_wishes = TextAreaField(_l("Nguyện vọng của em"))
    actions = TextAreaField(_l("Việc đã thống nhất"))
    next_visit_on = DayField(_l("Hẹn thăm lần sau"))
    photos = MultipleFileField(_l("Ảnh lần thăm (thông tin vị trí GPS sẽ được xoá)"))


class OutcomeTermForm(FlaskForm):
    """Which term the outcomes are for."""

    term = StringField(
        _l("Học kỳ (ví dụ 2025-2026 HK1)"), validators=[DataRequired(_l("Vui lòng nhập học kỳ."))]
    )
