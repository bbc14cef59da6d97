"""Forms of the campaigns package (labels in Vietnamese via lazy_gettext)."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from app.errors import DomainError
from app.money import MoneyError, parse_amount

KIND_LABELS = {
    "scholarship": _l("Học bổng"),
    "rice_jar": _l("Hũ gạo tiếp sức đến trường"),
    "boarding_house": _l("Nhà bán trú cho em"),
    "transport": _l("Phương tiện đến trường"),
    "school_supplies": _l("Dụng cụ học tập"),
    "classroom_repair": _l("Sửa chữa lớp học"),
    "general": _l("Quỹ chung"),
    "event": _l("Sự kiện gây quỹ"),
}
STATUS_LABELS = {
    "draft": _l("Bản nháp"),
    "published": _l("Đang nhận ủng hộ"),
    "closed": _l("Đã kết thúc"),
    "archived": _l("Lưu trữ"),
}
ASSET_CHOICES = [
    ("VND", _l("Tiền (đồng)")),
    ("RICE_G", _l("Gạo (kg)")),
    ("BICYCLE", _l("Xe đạp (chiếc)")),
    ("SUPPLY_SET", _l("Bộ dụng cụ học tập (bộ)")),
]
_COUNT_RE = re.compile(r"^\d{1,3}(?:[.,\s]\d{3})*$|^\d+$")


def optional_int(value):
    """SelectField coercion that accepts an empty choice."""
    return int(value) if value not in (None, "", "None") else None


def parse_target(asset: str, text: str, field: str = "target") -> int:
    """A goal typed by a person, in the asset's base unit: đồng, grams (typed in kg), pieces."""
    text = (text or "").strip()
    if asset == "VND":
        try:
            return parse_amount(text, maximum=10**13)
        except MoneyError as err:
            raise DomainError(str(err), field=field) from None
    if not _COUNT_RE.match(text):
        raise DomainError(_l("Vui lòng nhập số nguyên, ví dụ 2.000."), field=field)
    value = int(re.sub(r"\D", "", text))
    if value <= 0:
        raise DomainError(_l("Số lượng phải lớn hơn 0."), field=field)
    return value * 1000 if asset == "RICE_G" else value


class CampaignForm(FlaskForm):
    """A campaign's text, kind, unit and dates."""

    title = StringField(
        _l("Tên chiến dịch"), validators=[DataRequired(_l("Vui lòng nhập tên chiến dịch."))]
    )
    slug = StringField(_l("Đường dẫn (để trống: tạo từ tên)"), validators=[Optional()])
    summary = TextAreaField(
        _l("Tóm tắt (một hai câu, hiện trên thẻ và khi chia sẻ)"),
        validators=[DataRequired(_l("Vui lòng nhập tóm tắt."))],
    )
    story_md = TextAreaField(_l("Câu chuyện (Markdown)"), validators=[Optional()])
    kind = SelectField(_l("Loại chiến dịch"), choices=list(KIND_LABELS.items()))
    unit_id = SelectField(_l("Đơn vị phụ trách"), coerce=optional_int)
    starts_on = DateField(
        _l("Ngày bắt đầu"), validators=[DataRequired(_l("Vui lòng nhập ngày bắt đầu."))]
    )
    ends_on = DateField(_l("Ngày kết thúc"), validators=[Optional()])
    featured = BooleanField(_l("Nổi bật trên trang chủ"))
    cover = FileField(_l("Ảnh bìa (JPEG, PNG hoặc WebP, tối đa 10 MB)"))


class GoalForm(FlaskForm):
    """A goal in one asset."""

    asset = SelectField(_l("Loại"), choices=ASSET_CHOICES)
    target = StringField(_l("Mục tiêu"), validators=[DataRequired(_l("Vui lòng nhập mục tiêu."))])
    label = StringField(_l("Nhãn (tuỳ chọn)"), validators=[Optional(), Length(max=120)])


class BudgetLineForm(FlaskForm):
    """A line of a works budget."""

    label = StringField(_l("Hạng mục"), validators=[DataRequired(_l("Vui lòng nhập hạng mục."))])
    amount = StringField(_l("Số tiền"), validators=[DataRequired(_l("Vui lòng nhập số tiền."))])


class MilestoneForm(FlaskForm):
    """A milestone of the works."""

    title = StringField(_l("Mốc"), validators=[DataRequired(_l("Vui lòng nhập tên mốc."))])
    due_on = DateField(_l("Ngày dự kiến"), validators=[Optional()])


class UpdateForm(FlaskForm):
    """A news post on a campaign."""

    title = StringField(_l("Tiêu đề"), validators=[DataRequired(_l("Vui lòng nhập tiêu đề."))])
    body_md = TextAreaField(
        _l("Nội dung (Markdown)"), validators=[DataRequired(_l("Vui lòng nhập nội dung."))]
    )
    image = FileField(_l("Ảnh (tuỳ chọn; chỉ đăng ảnh học sinh khi gia đình đã đồng ý)"))


class PageForm(FlaskForm):
    """A member's request for a personal fundraising page."""

    owner_name = StringField(
        _l("Họ tên của bạn"), validators=[DataRequired(_l("Vui lòng nhập họ tên."))]
    )
    owner_email = StringField(
        _l("E-mail (để đơn vị liên hệ; không hiển thị công khai)"),
        validators=[
            DataRequired(_l("Vui lòng nhập e-mail.")),
            Email(_l("Địa chỉ e-mail không hợp lệ.")),
        ],
    )
    unit_id = SelectField(_l("Chi đoàn / đơn vị của bạn"), coerce=optional_int)
    title = StringField(
        _l("Tiêu đề trang"), validators=[DataRequired(_l("Vui lòng nhập tiêu đề."))]
    )
    message = TextAreaField(
        _l("Lời nhắn tới bạn bè"), validators=[DataRequired(_l("Vui lòng viết lời nhắn."))]
    )
    goal = StringField(
        _l("Mục tiêu của bạn (đồng)"), validators=[DataRequired(_l("Vui lòng nhập mục tiêu."))]
    )
