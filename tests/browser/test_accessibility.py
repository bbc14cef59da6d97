"""axe-core over every public page and the main back-office pages: zero violations, kept so.

Each page is checked on a phone (375 px) as a visitor or a signed-in admin meets it; a
violation fails the test with axe's own report (rule, impact, the elements concerned).
"""

from __future__ import annotations

import re

import pyotp
import pytest
from axe_playwright_python.sync_playwright import Axe

from app.extensions import db
from tests.conftest import PASSWORD
from tests.fixtures.donations import SEPAY_KEY, post_sepay, sepay_body

pytestmark = pytest.mark.browser

AXE = Axe()


def violations(tab, url: str) -> list[str]:
    """axe's violations on the page at `url`, one line each (empty when there are none)."""
    tab.goto(url)
    tab.wait_for_load_state("load")
    results = AXE.run(tab)
    lines = []
    for v in results.response["violations"]:
        targets = ", ".join(" ".join(n["target"]) for n in v["nodes"][:3])
        lines.append(f"{url}: {v['id']} ({v['impact']}) {v['help']} — {targets}")
    return lines


@pytest.fixture
def public_world(app, client, monkeypatch, make_campaign, make_bank_pledge, world):
    monkeypatch.setitem(app.config, "SEPAY_API_KEY", SEPAY_KEY)
    campaign = make_campaign("hoc-bong-axe", unit="province", title="Học bổng Kiểm tra")
    pending = make_bank_pledge(campaign, donor_name="Bạn Chờ Thử")
    paid = make_bank_pledge(campaign, donor_name="Bạn Đủ Thử")
    post_sepay(client, sepay_body(f"CT.{paid.reference} UNG HO", paid.amount))
    db.session.commit()
    return {**world, "campaign": campaign, "pending": pending, "paid": paid}


def public_paths(objects) -> list[str]:
    slug = objects["campaign"].slug
    return [
        "/",
        "/ve-quy",
        "/chien-dich/",
        f"/chien-dich/{slug}",
        f"/chien-dich/{slug}/thi-dua",
        "/thi-dua",
        "/vinh-danh",
        f"/ung-ho/{slug}",
        f"/ung-ho/p/{objects['pending'].reference}",
        f"/ung-ho/p/{objects['paid'].reference}",
        "/qua-cua-toi",
        "/dang-nhap",
        "/khong-co-trang-nay",
    ]


def test_public_pages_have_no_axe_violations(phone, live_server, public_world):
    found: list[str] = []
    for path in public_paths(public_world):
        found += violations(phone, live_server + path)
    # The donate form with its errors shown.
    slug = public_world["campaign"].slug
    phone.goto(f"{live_server}/ung-ho/{slug}")
    phone.get_by_text("Số khác").click()
    phone.get_by_label("Số tiền khác (đồng)").fill("abc")
    phone.get_by_role("button", name="Tiếp tục").click()
    phone.wait_for_selector("[data-error-summary]")
    results = AXE.run(phone)
    found += [f"donate errors: {v['id']} {v['help']}" for v in results.response["violations"]]
    # English too.
    phone.goto(live_server + "/ngon-ngu/en")
    for path in ("/", f"/chien-dich/{slug}", f"/ung-ho/{slug}"):
        found += violations(phone, live_server + path)
    assert not found, "\n".join(found)


BACKOFFICE = [
    "/quan-tri/",
    "/quan-tri/chien-dich/",
    "/quan-tri/don-vi/",
    "/quan-tri/nguoi-dung/",
    "/quan-tri/khao-sat/tong-hop",
]


def test_back_office_pages_have_no_axe_violations(phone, live_server, make_user, world):
    user = make_user("admin")
    phone.goto(live_server + "/dang-nhap")
    phone.get_by_label("E-mail").fill(user.email)
    phone.get_by_label("Mật khẩu").fill(PASSWORD)
    phone.get_by_role("button", name="Đăng nhập").click()
    phone.get_by_label("Mã 6 số từ ứng dụng xác thực").fill(pyotp.TOTP(user.totp_secret).now())
    phone.get_by_role("button", name="Xác nhận").click()
    phone.wait_for_url(re.compile(r"/quan-tri/$"))
    menu = phone.eval_on_selector_all(
        "nav a[href^='/quan-tri/']", "links => links.map(a => a.getAttribute('href'))"
    )
    paths = list(dict.fromkeys([*BACKOFFICE, *menu]))
    found: list[str] = []
    for path in paths:
        found += violations(phone, live_server + path)
    assert len(paths) >= 8
    assert not found, "\n".join(found)
