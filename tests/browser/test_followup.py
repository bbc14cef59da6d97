"""Browser: a field member on a 375 px phone records a peer pair (and an entitlement)."""

from __future__ import annotations

import pyotp
import pytest

from app.extensions import db
from students.peer.models import PeerPair
from tests.browser.conftest import has_horizontal_scroll
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _login(tab, base: str, user) -> None:
    tab.goto(f"{base}/dang-nhap")
    tab.fill("input[name=email]", user.email)
    tab.fill("input[name=password]", PASSWORD)
    tab.click("form button[type=submit]")
    if user.totp_enabled:
        tab.fill("input[name=code]", pyotp.TOTP(user.totp_secret).now())
        tab.click("form button[type=submit]")
    tab.wait_for_url(f"{base}/quan-tri/**")


def test_field_member_records_a_pair_on_a_phone(phone, live_server, make_user, make_student):
    student = make_student(full_name="Sùng Thị Điện Thoại")
    _login(phone, live_server, make_user("field", "a"))
    phone.goto(f"{live_server}/quan-tri/doi-ban/moi")
    assert phone.viewport_size["width"] == 375
    assert not has_horizontal_scroll(phone)
    phone.get_by_label("Học sinh được giúp", exact=True).select_option(student.public_id)
    phone.get_by_label("Giúp bạn đến trường", exact=True).check()
    phone.get_by_label("Tên bạn giúp 1", exact=True).fill("Lò Văn Tuấn")
    phone.get_by_label("Lớp bạn giúp 1", exact=True).fill("7A")
    phone.get_by_label("Thầy cô / đoàn viên theo dõi", exact=True).fill("Cô Lan")
    phone.get_by_role("button", name="Lưu đôi bạn").click()
    assert phone.locator("#helper1_name-err").is_visible()
    phone.get_by_label("Tên bạn giúp 1", exact=True).fill("Tuấn")
    phone.get_by_role("button", name="Lưu đôi bạn").click()
    phone.get_by_text("Đã ghi đôi bạn.").wait_for()
    assert phone.get_by_text("Tuấn (7A)").is_visible()
    assert not has_horizontal_scroll(phone)
    phone.get_by_label("Số ngày nghỉ học trong kỳ", exact=True).fill("2")
    phone.get_by_label("Kết quả học tập tiến bộ", exact=True).check()
    phone.get_by_role("button", name="Lưu kết quả").click()
    phone.get_by_text("Đã lưu kết quả học kỳ.").wait_for()
    phone.screenshot(path="/tmp/i14_pair.png", full_page=True)
    db.session.expire_all()
    pair = db.session.query(PeerPair).one()
    assert pair.helpers == [{"name": "Tuấn", "class": "7A"}]
    assert pair.results[0].grades_improved and pair.results[0].days_absent == 2


def test_field_member_records_an_entitlement_on_a_phone(
    phone, live_server, make_user, make_student
):
    from students import schoolyear
    from students.entitlements.models import Entitlement
    from students.entitlements.services import save_kind

    kind = save_kind(
        make_user("admin"),
        None,
        code="mien-hp-browser",
        name="Miễn học phí thử",
        category="tuition_exemption",
        legal_basis="Nghị định 81/2021/NĐ-CP",
        situations=["poor"],
        minority_communes=[],
        active=True,
    )
    student = make_student(full_name="Mùa Thị Chế Độ", situations=["poor"])
    db.session.commit()
    _login(phone, live_server, make_user("field", "a"))
    phone.goto(f"{live_server}/quan-tri/che-do/can-theo-doi")
    assert phone.get_by_text("Mùa Thị Chế Độ").is_visible()
    assert not has_horizontal_scroll(phone)
    phone.get_by_role("link", name="Ghi chế độ").last.click()
    assert phone.get_by_label("Chế độ", exact=True).input_value() == str(kind.id)
    phone.get_by_label("Nhà trường xác nhận em đã nhận", exact=True).check()
    phone.get_by_role("button", name="Lưu chế độ").click()
    assert phone.locator("#confirmed_on-err").is_visible()
    phone.get_by_label("Ngày xác nhận", exact=True).fill(
        schoolyear.bounds(schoolyear.current_year())[0].isoformat()
    )
    phone.get_by_label("Người xác nhận (nhà trường)", exact=True).fill("Kế toán trường")
    assert not has_horizontal_scroll(phone)
    phone.get_by_role("button", name="Lưu chế độ").click()
    phone.get_by_text("Đã ghi chế độ.").wait_for()
    assert not has_horizontal_scroll(phone)
    phone.screenshot(path="/tmp/i14_entitlement.png", full_page=True)
    db.session.expire_all()
    item = db.session.query(Entitlement).one()
    assert item.received and item.student_id == student.id


def test_a_unit_fills_its_survey_and_reads_the_report_on_a_phone(
    phone, live_server, make_user, make_student, units
):
    from datetime import date

    from students.registry.services import change_status
    from students.surveys.models import Survey, SurveyStatus

    admin = make_user("admin")
    for i in range(6):
        student = make_student(full_name=f"Lò Thị Khảo Sát {chr(65 + i)}")
        change_status(admin, student, "dropped_out", on=date.today())
    db.session.commit()
    manager = make_user("manager", "a")
    _login(phone, live_server, manager)
    phone.goto(f"{live_server}/quan-tri/khao-sat/")
    phone.get_by_role("button", name="Bắt đầu").click()
    phone.get_by_text("Danh sách đã xác nhận: 6 học sinh").wait_for()
    assert not has_horizontal_scroll(phone)
    phone.get_by_label("Lớp 7 · nữ · Thái").fill("5")  # one fewer than the list
    added = phone.locator("fieldset.st-newline").filter(
        has=phone.locator("input[value=dropped_out]")
    )
    added.first.get_by_label("Lớp").select_option("3")
    added.first.get_by_label("Giới tính").select_option("male")
    added.first.get_by_label("Dân tộc").fill("Dao")
    added.first.get_by_label("Số học sinh").fill("1")
    phone.screenshot(path="/tmp/i14_survey_form.png", full_page=True)
    from tests.browser.test_accessibility import AXE

    found = [f"survey form: {v['id']} {v['help']}" for v in AXE.run(phone).response["violations"]]
    assert not found, "\n".join(found)
    phone.get_by_role("button", name="Lưu nháp").click()
    assert phone.locator("#reason_dropped_out-err").is_visible()
    phone.locator("#reason_dropped_out").fill("Một em đã chuyển trường, danh sách chưa cập nhật")
    phone.once("dialog", lambda dialog: dialog.accept())
    phone.get_by_role("button", name="Gửi lên tỉnh").click()
    phone.get_by_text("Đã gửi phiếu khảo sát lên tỉnh.").wait_for()
    phone.screenshot(path="/tmp/i14_survey.png", full_page=True)
    found = [f"survey sent: {v['id']} {v['help']}" for v in AXE.run(phone).response["violations"]]
    assert not found, "\n".join(found)
    db.session.expire_all()
    survey = db.session.query(Survey).one()
    assert survey.status == SurveyStatus.submitted
    assert {line.key: line.count for line in survey.lines} == {
        ("dropped_out", 7, "female", "Thái"): 5,
        ("dropped_out", 3, "male", "Dao"): 1,
    }
    phone.goto(f"{live_server}/quan-tri/bao-cao/")
    phone.get_by_role("link", name="Tải XLSX").wait_for()
    assert not has_horizontal_scroll(phone)
    assert phone.get_by_text("< 5").first.is_visible()
    phone.screenshot(path="/tmp/i14_report.png", full_page=True)
    phone.goto(f"{live_server}/bao-cao-nam/2026-2027")
    assert not has_horizontal_scroll(phone)
    for i in range(6):
        assert phone.get_by_text(f"Lò Thị Khảo Sát {chr(65 + i)}").count() == 0


def test_activity_photos_uploaded_on_a_phone_show_on_the_event_page(
    phone, page, live_server, make_user, make_campaign, make_activity, tmp_path
):
    from tests.browser.test_accessibility import violations
    from tests.fixtures.campaigns import jpeg_bytes

    event = make_campaign("dem-nhac-thu", unit="a", kind="event", title="Đêm nhạc thử")
    activity = make_activity(event.id, title="Đêm nhạc gây quỹ thử")
    photo = tmp_path / "san-khau.jpg"
    photo.write_bytes(jpeg_bytes())
    _login(phone, live_server, make_user("field", "a"))
    phone.goto(f"{live_server}/quan-tri/hoat-dong/{activity.id}")
    phone.get_by_label("Thêm ảnh (tối đa 6 ảnh một lần)").set_input_files(str(photo))
    phone.locator("#caption").fill("Sân khấu trước giờ mở màn")
    phone.get_by_role("button", name="Tải ảnh lên").click()
    phone.get_by_text("Đã thêm ảnh.").wait_for()
    assert phone.get_by_text("Nội bộ", exact=True).is_visible()  # private by default
    phone.get_by_label("Người trong ảnh").first.select_option("no_children")
    phone.get_by_label("Công khai trên trang chiến dịch").first.check()
    phone.get_by_role("button", name="Lưu ảnh").click()
    phone.get_by_text("Đã lưu ảnh.").wait_for()
    # The photo is in the page before the stylesheets that size it: judge the layout once loaded.
    phone.wait_for_load_state("load")
    assert not has_horizontal_scroll(phone)
    phone.screenshot(path="/tmp/i14_activity_phone.png", full_page=True)
    found = violations(phone, f"{live_server}/quan-tri/hoat-dong/{activity.id}")
    for tab, name in ((phone, "phone"), (page, "desktop")):
        tab.goto(f"{live_server}/chien-dich/dem-nhac-thu")
        tab.get_by_role("heading", name="Hoạt động gây quỹ").wait_for()
        assert tab.locator("img[src^='/hoat-dong/anh/']").count() == 1
        assert not has_horizontal_scroll(tab)
        tab.screenshot(path=f"/tmp/i14_event_{name}.png", full_page=True)
    found += violations(page, f"{live_server}/chien-dich/dem-nhac-thu")
    assert not found, "\n".join(found)
