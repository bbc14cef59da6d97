"""Error pages in the site's style (HTML) or JSON for the API and webhooks; never a traceback."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from app import uow
from app.errors import DomainError

log = logging.getLogger(__name__)


def _wants_json() -> bool:
    path = request.path
    return (
        path.startswith(("/api/", "/webhooks/"))
        or request.accept_mimetypes.best == "application/json"
    )


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (
            _("Yêu cầu không hợp lệ"),
            _("Dữ liệu gửi lên không đúng. Vui lòng kiểm tra và thử lại."),
        ),
        403: (_("Không có quyền truy cập"), _("Tài khoản của bạn không được xem trang này.")),
        404: (_("Không tìm thấy trang"), _("Trang bạn tìm không tồn tại hoặc đã được chuyển đi.")),
        405: (
            _("Phương thức không được hỗ trợ"),
            _("Thao tác này không thực hiện được theo cách đó."),
        ),
        413: (_("Tệp quá lớn"), _("Tệp tải lên vượt quá dung lượng cho phép.")),
        429: (
            _("Quá nhiều yêu cầu"),
            _("Bạn đã thử quá nhiều lần. Vui lòng đợi vài phút rồi thử lại."),
        ),
        500: (
            _("Đã có lỗi xảy ra"),
            _("Lỗi không mong muốn. Chúng tôi đã ghi nhận và sẽ khắc phục."),
        ),
        503: (
            _("Hệ thống tạm thời gián đoạn"),
            _("Không kết nối được cơ sở dữ liệu. Vui lòng thử lại sau ít phút."),
        ),
    }


def render_error(status: int, message: str | None = None, code: str | None = None):
    """One error response, HTML or JSON by what the caller expects."""
    title, default = _messages().get(status, _messages()[500])
    if _wants_json():
        body = {"error": {"code": code or title_code(status), "message": str(message or default)}}
        return jsonify(body), status
    # 503 means the database is gone: that page must not touch the session's user.
    template = "error_plain.html" if status == 503 else "error.html"
    return render_template(template, status=status, title=title, message=message or default), status


def title_code(status: int) -> str:
    """Machine-readable error codes for the JSON form."""
    return {
        400: "bad_request",
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        413: "too_large",
        422: "invalid",
        429: "rate_limited",
        503: "unavailable",
    }.get(status, "server_error")


def register(app: Flask) -> None:
    """Install the handlers."""

    @app.before_request
    def refuse_nul():
        # No address or query of ours holds a NUL, and PostgreSQL text cannot store one: such a
        # request is answered as not found/bad before it reaches a query (else a 500).
        if "\x00" in request.path:
            return render_error(404)
        if any("\x00" in value for value in request.args.values()):
            return render_error(400)
        return None

    @app.errorhandler(CSRFError)
    def csrf_error(err: CSRFError):
        return render_error(
            400,
            _(
                "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang và thử lại."
            ),
            "csrf",
        )

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        return render_error(err.code or 500, None)

    @app.errorhandler(DomainError)
    def domain_error(err: DomainError):
        uow.rollback()
        return render_error(err.status_code, err.message)

    @app.errorhandler(OperationalError)
    def database_down(err: OperationalError):
        log.error("database unavailable: %s", err.orig)
        uow.rollback()
        return render_error(503)

    @app.errorhandler(Exception)
    def unexpected(err: Exception):
        log.exception("unhandled error")
        try:
            uow.rollback()
        except Exception:  # the session may itself be broken; the page must still render
            log.exception("rollback failed")
        return render_error(500)
