"""Forms of sponsorship: a donor sponsoring a student, a term update for the sponsors."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from app.formtools import optional_int


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
