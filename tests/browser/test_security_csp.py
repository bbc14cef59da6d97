"""The Content-Security-Policy in a real browser (issue 13 item 1): the main pages load with no
violation, and another site cannot frame them."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

# Collects every violation the page reports (installed before any page script runs).
LISTENER = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def _visit(tab, url: str) -> list[str]:
    console: list[str] = []
    tab.on("console", lambda m: console.append(m.text))
    response = tab.goto(url)
    assert response is not None and response.status < 400, url
    tab.wait_for_load_state("load")
    assert response.headers["content-security-policy"]
    found = tab.evaluate("window.__csp") + [
        text for text in console if "Content Security Policy" in text
    ]
    return found


def test_main_pages_load_without_a_violation(browser, live_server, world):
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="vi-VN")
    context.add_init_script(LISTENER)
    tab = context.new_page()
    slug = world["campaign"].slug
    public = [
        "/",
        "/chien-dich/",
        f"/chien-dich/{slug}",
        f"/ung-ho/{slug}",
        f"/ung-ho/p/{world['pledge'].reference}",
        "/vinh-danh",
        "/ve-quy",
        "/qua-cua-toi",
        "/dang-nhap",
    ]
    violations = {path: _visit(tab, live_server + path) for path in public}
    # The progress bar got its width from site.js, not from a style attribute.
    tab.goto(live_server + f"/chien-dich/{slug}")
    width = tab.evaluate("getComputedStyle(document.querySelector('.progress span')).width")
    assert width != "auto"

    tab.goto(live_server + "/dang-nhap")
    tab.get_by_label("E-mail").fill(world["manager"].email)
    tab.get_by_label("Mật khẩu").fill(PASSWORD)
    tab.get_by_role("button", name="Đăng nhập").click()
    tab.wait_for_url("**/quan-tri/")
    back_office = (
        "/quan-tri/",
        "/quan-tri/don-vi/",
        f"/quan-tri/chien-dich/{world['campaign'].id}",
        "/quan-tri/hoc-sinh/",
        f"/quan-tri/hoc-sinh/{world['student'].public_id}",
        f"/quan-tri/dot-trao/{world['round'].public_id}",
    )
    for path in back_office:
        violations[path] = _visit(tab, live_server + path)
    context.close()
    assert {path: found for path, found in violations.items() if found} == {}


def test_another_site_cannot_frame_a_page(page, live_server):
    """An attacker's page (another origin) puts the login page in an iframe: refused."""
    page.route(
        "http://attacker.test/",
        lambda route: route.fulfill(
            content_type="text/html",
            body=f'<h1>Trò chơi</h1><iframe id="f" src="{live_server}/dang-nhap"></iframe>',
        ),
    )
    page.goto("http://attacker.test/")
    page.wait_for_timeout(1500)
    framed = [f for f in page.frames if f != page.main_frame]
    assert framed, "the iframe exists"
    # A refused frame is Chromium's error page: the login form never renders inside it.
    assert framed[0].query_selector("input[name=password]") is None
