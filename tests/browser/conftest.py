"""Browser fixtures: the app served on loopback, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def _server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def live_server(_server, app):
    """Base URL of the running site, with CSRF on as a visitor meets it (off again after).

    The database is cleaned before each test like any other.
    """
    app.config["WTF_CSRF_ENABLED"] = True
    yield _server
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's chromium (apt-get install chromium)"
        )
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser tab, desktop-sized, Vietnamese."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


@pytest.fixture
def phone(browser, live_server):
    """A fresh tab the size of a small phone (375 × 740, touch)."""
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True, locale="vi-VN"
    )
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


def has_horizontal_scroll(tab) -> bool:
    """True when the page is wider than the viewport."""
    return tab.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )
