"""Forms of the students back office (labels through lazy_gettext)."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    BooleanField,
    Field,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.formtools import optional_int
from students.labels import CAUSE, GENDER, METHOD, ROUND_ASSETS, SCOPE, SITUATION, STATUS


class DayField(Field):
    """A date (yyyy-mm-dd from <input type=date>, or dd/mm/yyyy typed) with a Vietnamese error."""

    widget = widgets.DateInput()

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.isoformat() if self.data else ""

    def process_formdata(self, valuelist) -> None:
        text = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not text:
            return
        for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                self.data = datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar day
                return
            except ValueError:
                continue
        raise ValueError(_l("Ngày không hợp lệ (ví dụ 31/12/2014)."))


class Whole(IntegerField):
    """An integer field whose error speaks Vietnamese."""

    def process_formdata(self, valuelist) -> None:
        text = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not text:
            return
        if not text.lstrip("-").isdigit():
            raise ValueError(_l("Vui lòng nhập một số nguyên."))
        self.data = int(text)


class Checkboxes(SelectMultipleField):
    """Several choices as checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _choices(labels: dict) -> list[tuple[str, object]]:
    return [(k.value if hasattr(k, "value") else k, v) for k, v in labels.items()]


REQUIRED_DATE = _l("Vui lòng nhập ngày.")


class StudentForm(FlaskForm):
    """A student's file."""

    full_name = StringField(
        _l("Họ và tên"), validators=[DataRequired(_l("Vui lòng nhập họ và tên.")), Length(max=120)]
    )
    birth_date = DayField(_l("Ngày sinh"), validators=[InputRequired(REQUIRED_DATE)])
    gender = SelectField(_l("Giới tính"), choices=_choices(GENDER))
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
    situations = Checkboxes(_l("Hoàn cảnh gia đình"), choices=_choices(SITUATION))
    distance_km = Whole(
        _l("Khoảng cách đến trường (km)"),
        default=0,
        validators=[Optional(), NumberRange(0, 200, _l("Từ 0 đến 200 km."))],
    )
    absences = Whole(
        _l("Số ngày nghỉ học trong kỳ"),
        default=0,
        validators=[Optional(), NumberRange(0, 200, _l("Từ 0 đến 200 ngày."))],
    )
    repeated_grade = BooleanField(_l("Đã từng lưu ban"))
    status = SelectField(_l("Tình trạng"), choices=_choices(STATUS))
    unit_id = SelectField(
        _l("Đơn vị phụ trách"),
        coerce=optional_int,
        validators=[InputRequired(_l("Vui lòng chọn đơn vị."))],
    )
    notes = TextAreaField(_l("Ghi chú"))


class StatusForm(FlaskForm):
    """A dated step of the timeline."""

    status = SelectField(_l("Tình trạng mới"), choices=_choices(STATUS))
    on = DayField(_l("Từ ngày"), validators=[InputRequired(REQUIRED_DATE)], default=date.today)
    note = StringField(_l("Ghi chú"), validators=[Length(max=300)])


class ConsentForm(FlaskForm):
    """Guardian (and child) consent."""

    guardian_name = StringField(
        _l("Người giám hộ đồng ý"),
        validators=[DataRequired(_l("Vui lòng nhập tên người giám hộ.")), Length(max=120)],
    )
    given_on = DayField(
        _l("Ngày đồng ý"), validators=[InputRequired(REQUIRED_DATE)], default=date.today
    )
    scope = RadioField(_l("Phạm vi được công khai"), choices=_choices(SCOPE), default="none")
    child_agreed = BooleanField(_l("Học sinh (từ 7 tuổi) cũng đồng ý"))
    scan = FileField(_l("Bản quét giấy đồng ý (ảnh hoặc PDF, không bắt buộc)"))


class PhotoForm(FlaskForm):
    """A student's photo (upload or replace)."""

    photo = FileField(
        _l("Ảnh của học sinh (JPEG, PNG hoặc WebP)"),
        render_kw={"accept": "image/jpeg,image/png,image/webp"},
    )


class PhotoRemoveForm(FlaskForm):
    """Remove the photo (only the CSRF token)."""


class DateOnlyForm(FlaskForm):
    """Just a date (withdrawal, end of sponsorship)."""

    on = DayField(_l("Ngày"), validators=[InputRequired(REQUIRED_DATE)], default=date.today)


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
    causes = Checkboxes(_l("Nguyên nhân"), choices=_choices(CAUSE))
    family_wishes = TextAreaField(_l("Nguyện vọng của gia đình"))
    child_wishes = TextAreaField(_l("Nguyện vọng của em"))
    actions = TextAreaField(_l("Việc đã thống nhất"))
    next_visit_on = DayField(_l("Hẹn thăm lần sau"))


class ImportForm(FlaskForm):
    """A review list to import."""

    file = FileField(_l("Tệp danh sách (.xlsx hoặc .csv)"))
    unit_id = SelectField(_l("Đơn vị phụ trách các học sinh này"), coerce=optional_int)


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
    asset = SelectField(_l("Loại hỗ trợ"), choices=_choices(ROUND_ASSETS))
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
    method = SelectField(_l("Hình thức"), choices=_choices(METHOD))
    handed_by = StringField(
        _l("Người trao"), validators=[DataRequired(_l("Vui lòng ghi người trao.")), Length(max=200)]
    )
    signers = StringField(_l("Người ký xác nhận"), validators=[Length(max=300)])
    note = StringField(_l("Ghi chú"), validators=[Length(max=500)])
    photos = MultipleFileField(_l("Ảnh trao (thông tin vị trí GPS sẽ được xoá)"))
    signed_list = FileField(_l("Bản quét danh sách đã ký (ảnh hoặc PDF)"))


class OutcomeTermForm(FlaskForm):
    """Which term the outcomes are for."""

    term = StringField(
        _l("Học kỳ (ví dụ 2025-2026 HK1)"), validators=[DataRequired(_l("Vui lòng nhập học kỳ."))]
    )


class SponsorshipForm(FlaskForm):
    """A donor sponsoring a student."""

    student = StringField(
        _l("Mã học sinh (HS-…)"), validators=[DataRequired(_l("Vui lòng nhập mã học sinh."))]
    )
    campaign_id = SelectField(
        _l("Chiến dịch nhận tiền"),
        coerce=optional_int,
        validators=[InputRequired(_l("Vui lòng chọn chiến dịch."))],
    )
    donor_name = StringField(
        _l("Tên nhà hảo tâm"),
        validators=[DataRequired(_l("Vui lòng nhập tên nhà hảo tâm.")), Length(max=120)],
    )
    donor_email = StringField(
        _l("E-mail nhà hảo tâm"),
        validators=[DataRequired(_l("Vui lòng nhập e-mail.")), Length(max=254)],
        render_kw={"type": "email"},
    )
    monthly_amount = StringField(
        _l("Số tiền hằng tháng"), validators=[DataRequired(_l("Vui lòng nhập số tiền."))]
    )
    method = RadioField(
        _l("Hình thức"),
        choices=[
            ("bank", _l("Chuyển khoản định kỳ với mã cố định")),
            ("card", _l("Thẻ (trừ tiền hằng tháng)")),
        ],
        default="bank",
    )


class TermUpdateForm(FlaskForm):
    """A term update for the sponsors."""

    term = StringField(
        _l("Học kỳ (ví dụ 2025-2026 HK1)"), validators=[DataRequired(_l("Vui lòng nhập học kỳ."))]
    )
    body = TextAreaField(
        _l("Nội dung gửi nhà hảo tâm"), validators=[DataRequired(_l("Vui lòng viết nội dung."))]
    )
