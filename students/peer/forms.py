"""Forms of peer support: a pair with its helpers, a term's result."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from students.fields import REQUIRED_DATE, DayField, Whole, enum_choices
from students.peer.models import PeerModel

MODEL = {
    PeerModel.study: _l("Đôi bạn cùng tiến"),
    PeerModel.to_school: _l("Giúp bạn đến trường"),
    PeerModel.other: _l("Mô hình khác"),
}
HELPER_ROWS = 3


class PairForm(FlaskForm):
    """A pair: the supported student, the model, up to three helpers, who follows it."""

    student = SelectField(
        _l("Học sinh được giúp"), validators=[DataRequired(_l("Vui lòng chọn học sinh."))]
    )
    school_year = SelectField(_l("Năm học"))
    model = RadioField(_l("Mô hình"), choices=enum_choices(MODEL), default="study")
    model_note = StringField(_l("Tên mô hình khác"), validators=[Length(max=120)])
    helper1_name = StringField(_l("Tên bạn giúp 1"), validators=[Length(max=30)])
    helper1_class = StringField(_l("Lớp bạn giúp 1"), validators=[Length(max=10)])
    helper2_name = StringField(_l("Tên bạn giúp 2"), validators=[Length(max=30)])
    helper2_class = StringField(_l("Lớp bạn giúp 2"), validators=[Length(max=10)])
    helper3_name = StringField(_l("Tên bạn giúp 3"), validators=[Length(max=30)])
    helper3_class = StringField(_l("Lớp bạn giúp 3"), validators=[Length(max=10)])
    follower = StringField(
        _l("Thầy cô / đoàn viên theo dõi"),
        validators=[DataRequired(_l("Vui lòng ghi người theo dõi.")), Length(max=120)],
    )
    started_on = DayField(
        _l("Ngày bắt đầu"), validators=[InputRequired(REQUIRED_DATE)], default=date.today
    )

    def helpers(self) -> list[tuple[str, str]]:
        """(first name, class) of each helper row."""
        return [
            (
                getattr(self, f"helper{i}_name").data or "",
                getattr(self, f"helper{i}_class").data or "",
            )
            for i in range(1, HELPER_ROWS + 1)
        ]


class ResultForm(FlaskForm):
    """A term's result of the supported student."""

    term = RadioField(_l("Học kỳ"), choices=[("HK1", "HK1"), ("HK2", "HK2")], default="HK1")
    days_absent = Whole(
        _l("Số ngày nghỉ học trong kỳ"),
        validators=[InputRequired(_l("Vui lòng nhập số ngày nghỉ (0 nếu không nghỉ)."))],
    )
    grades_improved = BooleanField(_l("Kết quả học tập tiến bộ"))
    still_in_school = BooleanField(_l("Em vẫn đi học"), default=True)
    note = StringField(_l("Ghi chú"), validators=[Optional(), Length(max=300)])
