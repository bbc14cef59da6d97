"""Security headers on every response (docs/security.md, "Headers").

A Content-Security-Policy with no inline script or style and `frame-ancestors 'none'`,
X-Frame-Options, nosniff, a referrer policy, HSTS in production, and `Cache-Control: no-store`
on everything private (back office, sign-in, private files, pages for a signed-in user).
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask_login import current_user

# Paths whose answers are private: the back office and the account pages.
PRIVATE_PREFIXES = ("/quan-tri", "/dang-nhap", "/dang-xuat", "/tai-khoan", "/quen-mat-khau")


def content_security_policy(app: Flask) -> str:
    """The policy: our own origin only, no inline script or style, never framed."""
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "frame-ancestors": "'none'",
    }
    directives.update(app.config.get("CSP_EXTRA", {}))
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def is_private(response: Response) -> bool:
    """True for an answer no shared cache (nor the browser's back button) may keep."""
    if request.path.startswith(PRIVATE_PREFIXES):
        return True
    if response.headers.get("X-Private-File"):
        return True
    try:
        return bool(current_user and current_user.is_authenticated)
    except Exception:  # noqa: BLE001 - no user loader outside a request (static files, errors)
        return False


def init_app(app: Flask) -> None:
    """Add the headers after every request."""
    policy = content_security_policy(app)
    hsts = app.config.get("ENV_NAME") == "production"

    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", policy)
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if hsts:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if is_private(response):
            headers.pop("X-Private-File", None)
            headers["Cache-Control"] = "no-store"
            headers["Pragma"] = "no-cache"
            headers.add("Vary", "Cookie")
        return response
