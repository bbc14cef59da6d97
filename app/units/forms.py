"""Forms for units, communes and schools."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from app.formtools import optional_int
from app.units.models import UNIT_KIND_LABELS


class UnitForm(FlaskForm):
    """A unit of the union."""

    name = StringField(
        _l("Tên đơn vị"),
        validators=[DataRequired(_l("Vui lòng nhập tên đơn vị.")), Length(max=200)],
    )
    code = StringField(
        _l("Mã (chữ thường không dấu, dùng trong đường dẫn)"),
        validators=[DataRequired(_l("Vui lòng nhập mã.")), Length(max=39)],
    )
    kind = SelectField(_l("Cấp"), choices=[(k.value, v) for k, v in UNIT_KIND_LABELS.items()])
    parent_id = SelectField(_l("Đơn vị cấp trên"), coerce=optional_int)
    active = BooleanField(_l("Đang hoạt động"), default=True)


class CommuneForm(FlaskForm):
    """A commune or ward."""

    name = StringField(
        _l("Tên xã/phường"), validators=[DataRequired(_l("Vui lòng nhập tên.")), Length(max=200)]
    )
    district = StringField(_l("Khu vực (huyện cũ, nếu cần)"), validators=[Length(max=200)])
    unit_id = SelectField(_l("Đơn vị phụ trách"), coerce=optional_int)


class SchoolForm(FlaskForm):
    """A school."""

    name = StringField(
        _l("Tên trường"),
        validators=[DataRequired(_l("Vui lòng nhập tên trường.")), Length(max=200)],
    )
    level = SelectField(
        _l("Cấp học"),
        choices=[
            ("", "—"),
            ("tieu-hoc", _l("Tiểu học")),
            ("thcs", _l("THCS")),
            ("thpt", _l("THPT")),
            ("lien-cap", _l("Liên cấp")),
        ],
    )
    commune_id = SelectField(_l("Xã/phường"), coerce=optional_int)
    unit_id = SelectField(_l("Đoàn trường / đơn vị phụ trách"), coerce=optional_int)
