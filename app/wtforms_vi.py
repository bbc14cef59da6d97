"""Vietnamese for WTForms' own messages (WTForms ships catalogs for ~30 languages, not Vietnamese).

Flask-WTF hands forms one translations object; we put ours in its place so that every form,
in every package, says "Trường này là bắt buộc." rather than "This field is required." to a
Vietnamese visitor, and keeps WTForms' English for an English one.
"""

from __future__ import annotations

import flask_wtf.form
from flask_babel import get_locale

MESSAGES = {
    "This field is required.": "Trường này là bắt buộc.",
    "Not a valid choice.": "Lựa chọn không hợp lệ.",
    "Invalid Choice: could not coerce.": "Lựa chọn không hợp lệ.",
    "Not a valid integer value.": "Vui lòng nhập một số nguyên.",
    "Not a valid decimal value.": "Vui lòng nhập một số.",
    "Not a valid float value.": "Vui lòng nhập một số.",
    "Not a valid date value.": "Ngày không hợp lệ (định dạng ngày/tháng/năm).",
    "Not a valid datetime value.": "Thời điểm không hợp lệ.",
    "Not a valid time value.": "Giờ không hợp lệ.",
    "Invalid email address.": "Địa chỉ e-mail không hợp lệ.",
    "Invalid URL.": "Đường dẫn không hợp lệ.",
    "Invalid input.": "Giá trị không hợp lệ.",
    "Number must be at least %(min)s.": "Số phải từ %(min)s trở lên.",
    "Number must be at most %(max)s.": "Số phải không quá %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Số phải trong khoảng %(min)s đến %(max)s.",
    "Field must be equal to %(other_name)s.": "Phải trùng với trường %(other_name)s.",
    "The CSRF token is missing.": "Phiên làm việc không hợp lệ. Vui lòng tải lại trang.",
    "The CSRF token has expired.": "Phiên làm việc đã hết hạn. Vui lòng tải lại trang.",
    "The CSRF token is invalid.": "Phiên làm việc không hợp lệ. Vui lòng tải lại trang.",
    "CSRF token missing.": "Phiên làm việc không hợp lệ. Vui lòng tải lại trang.",
    "CSRF token expired.": "Phiên làm việc đã hết hạn. Vui lòng tải lại trang.",
    "Invalid CSRF Token.": "Phiên làm việc không hợp lệ. Vui lòng tải lại trang.",
    "Field must be at least %(min)d character long.": "Cần ít nhất %(min)d ký tự.",
    "Field must be at least %(min)d characters long.": "Cần ít nhất %(min)d ký tự.",
    "Field cannot be longer than %(max)d character.": "Không được dài quá %(max)d ký tự.",
    "Field cannot be longer than %(max)d characters.": "Không được dài quá %(max)d ký tự.",
    "Field must be exactly %(max)d character long.": "Phải đúng %(max)d ký tự.",
    "Field must be exactly %(max)d characters long.": "Phải đúng %(max)d ký tự.",
    "Field must be between %(min)d and %(max)d characters long.": "Cần từ %(min)d đến %(max)d ký tự.",
}


class _Translations:
    """gettext/ngettext that answer in Vietnamese when the visitor reads Vietnamese."""

    def _vi(self) -> bool:
        try:
            return get_locale().language == "vi"
        except Exception:  # outside a request: keep WTForms' own text
            return False

    def gettext(self, string: str) -> str:
        return MESSAGES.get(string, string) if self._vi() else string

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


def install() -> None:
    """Make every Flask-WTF form use these messages."""
    flask_wtf.form.translations = _Translations()
