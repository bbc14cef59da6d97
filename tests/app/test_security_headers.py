"""Security headers (issue 13 item 1): a CSP without inline script, no framing, no sniffing,
no caching of anything private, HSTS in production."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import login

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_every_page_carries_the_policy(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    # Not production: no HSTS (a developer's localhost must not be pinned to HTTPS).
    assert "Strict-Transport-Security" not in response.headers


def test_errors_and_static_files_carry_it_too(client):
    assert "frame-ancestors" in client.get("/khong-co-trang-nay").headers["Content-Security-Policy"]
    static = client.get("/static/js/site.js")
    assert static.headers["X-Content-Type-Options"] == "nosniff"


def test_public_pages_may_be_cached_back_office_never(client, make_user):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    assert client.get("/dang-nhap").headers["Cache-Control"] == "no-store"
    user = make_user("manager", "a")
    login(client, user)
    for path in ("/quan-tri/", "/"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store", path
        assert "Cookie" in response.headers.get("Vary", "")


def test_production_adds_hsts(make_app, monkeypatch):
    production = make_app(ENV_NAME="production")
    response = production.test_client().get("/")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_no_template_holds_inline_script_or_style():
    """The CSP refuses them: scripts go to static/js, sizes to data-* read by site.js.

    E-mails are not pages (no CSP applies to a mail client) and keep their inline styles; a
    <script type="application/json"> holds data, which no policy blocks.
    """
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        if "emails" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<script\b([^>]*)>", text):
            attrs = match.group(1)
            if "src=" not in attrs and "application/json" not in attrs:
                offenders.append(f"{path.name}: inline <script>")
        if re.search(r"\sstyle=", text) or "<style" in text:
            offenders.append(f"{path.name}: style attribute or element")
        if re.search(r"\son[a-z]+=", text):
            offenders.append(f"{path.name}: inline event handler")
        if "javascript:" in text:
            offenders.append(f"{path.name}: javascript: URL")
    assert offenders == []
