"""Browser: a field member on a phone adds a student and a visit; a manager proposes a round;
a treasurer approves it, records the hand-over and downloads the sign-off list."""

from __future__ import annotations

from datetime import date

import pyotp
import pytest

from app.extensions import db
from app.ledger import service as ledger
from campaigns.models import Campaign, CampaignKind, CampaignStatus
from students.registry.models import Student
from students.rounds.models import RoundStatus
from tests.browser.conftest import has_horizontal_scroll
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
# The students fixtures (schools, a student factory), shared with this browser module.


def _login(tab, base: str, user) -> None:
    tab.goto(f"{base}/dang-nhap")
    tab.fill("input[name=email]", user.email)
    tab.fill("input[name=password]", PASSWORD)
    tab.click("form button[type=submit]")
    if user.totp_enabled:
        tab.fill("input[name=code]", pyotp.TOTP(user.totp_secret).now())
        tab.click("form button[type=submit]")
    tab.wait_for_url(f"{base}/quan-tri/**")


def test_field_member_adds_a_student_and_a_visit_on_a_phone(
    phone, live_server, make_user, places, units
):
    field = make_user("field", "a")
    _login(phone, live_server, field)
    phone.goto(f"{live_server}/quan-tri/hoc-sinh/moi")
    assert not has_horizontal_scroll(phone)
    phone.get_by_label("Họ và tên", exact=True).fill("Vàng Thị Điện Thoại")
    phone.get_by_label("Ngày sinh", exact=True).fill("2013-04-12")
    phone.get_by_label("Giới tính", exact=True).select_option("female")
    phone.get_by_label("Trường", exact=True).select_option(label=places["school_a"].name)
    phone.get_by_label("Khối lớp (1–12)", exact=True).fill("13")
    phone.get_by_label("Hộ nghèo", exact=True).check()
    phone.get_by_role("button", name="Lưu").click()
    assert phone.get_by_text("Khối lớp phải từ 1 đến 12.").first.is_visible()
    phone.get_by_label("Khối lớp (1–12)", exact=True).fill("7")
    phone.get_by_role("button", name="Lưu").click()
    phone.get_by_text("Đã thêm học sinh").wait_for()
    assert phone.get_by_role("heading", name="Vàng Thị Điện Thoại").is_visible()
    assert not has_horizontal_scroll(phone)
    phone.get_by_role("link", name="Ghi lần thăm").click()
    phone.get_by_label("Người đi thăm", exact=True).fill("Tổ công tác xã")
    phone.get_by_label("Khó khăn kinh tế", exact=True).check()
    phone.get_by_label("Nguyện vọng của em", exact=True).fill("Em muốn đi học tiếp")
    assert not has_horizontal_scroll(phone)
    phone.get_by_role("button", name="Lưu lần thăm").click()
    phone.get_by_text("Đã lưu lần thăm.").wait_for()
    assert phone.get_by_text("Em muốn đi học tiếp").is_visible()
    db.session.expire_all()
    student = db.session.query(Student).one()
    assert student.visits[0].causes == ["economic"]


def test_manager_proposes_and_treasurer_approves_hands_over_and_downloads(
    browser, page, live_server, make_user, make_student, units
):
    campaign = Campaign(
        slug="hoc-bong-tt",
        title="Học bổng trình duyệt",
        kind=CampaignKind.scholarship,
        status=CampaignStatus.published,
        unit_id=units["province"].id,
        starts_on=date(2026, 9, 1),
    )
    db.session.add(campaign)
    db.session.flush()
    ledger.post(
        source="world",
        destination=campaign.account,
        asset="VND",
        amount=2_000_000,
        kind="donation",
        ref="TSBROWSER",
        idempotency_key="test:browser:1",
    )
    db.session.commit()
    student = make_student(full_name="Giàng Thị Trình Duyệt")
    manager, treasurer = make_user("manager", "a"), make_user("treasurer")

    _login(page, live_server, manager)
    page.goto(f"{live_server}/quan-tri/dot-trao/moi")
    page.get_by_label("Tên đợt trao", exact=True).fill("Đợt trao thử trình duyệt")
    page.get_by_label("Chiến dịch chi", exact=True).select_option(label="Học bổng trình duyệt")
    page.get_by_role("button", name="Tạo và thêm học sinh").click()
    page.get_by_label("Học sinh", exact=True).select_option(student.public_id)
    page.get_by_label("Số lượng", exact=True).fill("500k")
    page.get_by_role("button", name="Thêm vào đợt").click()
    page.get_by_text("Đã thêm vào đợt trao.").wait_for()
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Gửi duyệt").click()
    page.get_by_text("Đã gửi đợt trao để duyệt.").wait_for()
    round_url = page.url

    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="vi-VN", accept_downloads=True
    )
    tab = context.new_page()
    _login(tab, live_server, treasurer)
    tab.goto(round_url)
    tab.once("dialog", lambda d: d.accept())
    tab.get_by_role("button", name="Duyệt", exact=True).click()
    tab.get_by_text("Đã duyệt đợt trao").wait_for()
    tab.get_by_role("link", name="Ghi nhận trao").click()
    tab.get_by_label("Địa điểm", exact=True).fill("Nhà văn hoá xã")
    tab.get_by_label("Người trao", exact=True).fill("Bí thư Huyện Đoàn")
    tab.once("dialog", lambda d: d.accept())
    tab.get_by_role("button", name="Ghi nhận").click()
    tab.get_by_text("Đã ghi nhận việc trao").wait_for()
    with tab.expect_download() as info:
        tab.get_by_role("link", name="PDF").click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as fh:
        assert fh.read(4) == b"%PDF"
    context.close()

    db.session.expire_all()
    assert ledger.balance(student.account, "VND") == 0
    assert ledger.balance(campaign.account, "VND") == 1_500_000
    from students.rounds.models import AllocationRound

    assert db.session.query(AllocationRound).one().status == RoundStatus.completed
