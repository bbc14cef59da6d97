"""Login, two-factor and user-management forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, Regexp

from app.auth.models import ROLE_LABELS


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(_l("Vui lòng nhập e-mail."))])
    password = PasswordField(
        _l("Mật khẩu"), validators=[DataRequired(_l("Vui lòng nhập mật khẩu."))]
    )


class TotpForm(FlaskForm):
    """The 6-digit code from an authenticator app."""

    code = StringField(
        _l("Mã 6 số từ ứng dụng xác thực"),
        validators=[
            DataRequired(_l("Vui lòng nhập mã.")),
            Regexp(r"^\s*\d{3}\s?\d{3}\s*$", message=_l("Mã gồm 6 chữ số.")),
        ],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"},
    )


def role_choices() -> list[tuple[str, str]]:
    """Role options for select boxes."""
    return [(role.value, label) for role, label in ROLE_LABELS.items()]


class UserForm(FlaskForm):
    """Create or edit a back-office user."""

    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(_l("Vui lòng nhập e-mail.")), Email(_l("E-mail không hợp lệ."))],
    )
    display_name = StringField(
        _l("Tên hiển thị"), validators=[DataRequired(_l("Vui lòng nhập tên.")), Length(max=120)]
    )
    role = SelectField(_l("Vai trò"), choices=role_choices)
    unit_id = SelectField(_l("Đơn vị"), coerce=int)
    active = BooleanField(_l("Đang hoạt động"), default=True)
    password = PasswordField(
        _l("Mật khẩu (ít nhất 10 ký tự; để trống nếu không đổi)"),
        validators=[Optional(), Length(min=10, message=_l("Mật khẩu cần ít nhất 10 ký tự."))],
    )


class SecondFactorForm(FlaskForm):
    """The 6-digit code, or one of the recovery codes shown at enrolment."""

    code = StringField(
        _l("Mã 6 số từ ứng dụng xác thực"),
        validators=[
            DataRequired(_l("Vui lòng nhập mã.")),
            Regexp(
                r"^\s*(\d{3}\s?\d{3}|[A-Za-z0-9]{4}(-?[A-Za-z0-9]{4}){3})\s*$",
                message=_l("Nhập mã 6 chữ số, hoặc một mã khôi phục (16 ký tự)."),
            ),
        ],
        render_kw={"autocomplete": "one-time-code"},
    )


class ManageSecondFactorForm(SecondFactorForm):
    """Change or turn off the second factor: the current code (or a recovery code) first."""

    action = SelectField(
        _l("Bạn muốn"),
        choices=[
            ("replace", _l("Chuyển sang điện thoại / ứng dụng mới")),
            ("recovery", _l("Tạo bộ mã khôi phục mới")),
            ("disable", _l("Tắt xác thực hai lớp")),
        ],
    )


class ForgotPasswordForm(FlaskForm):
    """The address to send the reset link to."""

    email = EmailField(
        _l("E-mail đăng nhập"), validators=[DataRequired(_l("Vui lòng nhập e-mail."))]
    )


class ResetPasswordForm(FlaskForm):
    """A new password, typed twice."""

    password = PasswordField(
        _l("Mật khẩu mới (ít nhất 10 ký tự)"),
        validators=[
            DataRequired(_l("Vui lòng nhập mật khẩu.")),
            Length(min=10, max=200, message=_l("Mật khẩu cần ít nhất 10 ký tự.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Nhập lại mật khẩu mới"),
        validators=[
            DataRequired(_l("Vui lòng nhập lại mật khẩu.")),
            EqualTo("password", message=_l("Hai mật khẩu không giống nhau.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(ResetPasswordForm):
    """The current password, then the new one twice."""

    current = PasswordField(
        _l("Mật khẩu hiện tại"),
        validators=[DataRequired(_l("Vui lòng nhập mật khẩu hiện tại."))],
        render_kw={"autocomplete": "current-password"},
    )
