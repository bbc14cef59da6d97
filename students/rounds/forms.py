"""Forms of allocation rounds: a new round, a line, a decision, a hand-over."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from app.formtools import optional_int
from students.fields import REQUIRED_DATE, DayField, enum_choices
from students.labels import METHOD, ROUND_ASSETS


class RoundForm(FlaskForm):
    """A new allocation round."""

    title = StringField(
        _l("Tên đợt trao"),
        validators=[DataRequired(_l("Vui lòng đặt tên cho đợt trao.")), Length(max=160)],
    )
    campaign_id = SelectField(
        _l("Chiến dịch chi"),
        coerce=optional_int,
        validators=[InputRequired(_l("Vui lòng chọn chiến dịch."))],
    )
    unit_id = SelectField(
        _l("Đơn vị"), coerce=optional_int, validators=[InputRequired(_l("Vui lòng chọn đơn vị."))]
    )


class LineForm(FlaskForm):
    """One student's support in a round."""

    student = SelectField(_l("Học sinh"), validators=[DataRequired(_l("Vui lòng chọn học sinh."))])
    asset = SelectField(_l("Loại hỗ trợ"), choices=enum_choices(ROUND_ASSETS))
    amount = StringField(_l("Số lượng"), validators=[DataRequired(_l("Vui lòng nhập số lượng."))])
    note = StringField(_l("Ghi chú"), validators=[Length(max=200)])


class DecisionForm(FlaskForm):
    """Approve or return, with a note."""

    note = TextAreaField(_l("Ghi chú / lý do"), validators=[Length(max=500)])


class HandoverForm(FlaskForm):
    """A hand-over with its evidence."""

    handed_on = DayField(
        _l("Ngày trao"), validators=[InputRequired(REQUIRED_DATE)], default=date.today
    )
    place = StringField(
        _l("Địa điểm"),
        validators=[DataRequired(_l("Vui lòng ghi địa điểm trao.")), Length(max=200)],
    )
    method = SelectField(_l("Hình thức"), choices=enum_choices(METHOD))
    handed_by = StringField(
        _l("Người trao"), validators=[DataRequired(_l("Vui lòng ghi người trao.")), Length(max=200)]
    )
    signers = StringField(_l("Người ký xác nhận"), validators=[Length(max=300)])
    note = StringField(_l("Ghi chú"), validators=[Length(max=500)])
    photos = MultipleFileField(_l("Ảnh trao (thông tin vị trí GPS sẽ được xoá)"))
    signed_list = FileField(_l("Bản quét danh sách đã ký (ảnh hoặc PDF)"))
