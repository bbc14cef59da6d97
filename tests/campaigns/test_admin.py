"""Back office: create with preview, publish, goals, updates; scope and audit; bad uploads."""

from __future__ import annotations

import io

from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from campaigns.models import Campaign, CampaignStatus, CampaignUpdate
from tests.fixtures.campaigns import jpeg_bytes


def _form(units, **over):
    data = {
        "title": "Xe đạp đến trường",
        "slug": "",
        "summary": "50 xe đạp cho học sinh xa trường.",
        "story_md": "Các em đi bộ **8 km**. <script>alert(1)</script>",
        "kind": "transport",
        "unit_id": str(units["a"].id),
        "starts_on": "2026-09-01",
        "ends_on": "",
    }
    data.update(over)
    return data


def test_preview_saves_nothing(client, login_as, units):
    login_as("manager", "a")
    response = client.post("/quan-tri/chien-dich/moi", data={**_form(units), "preview": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Xem trước (chưa lưu)" in html and "<strong>8 km</strong>" in html
    assert (
        "<script>alert(1)</script>"
        not in html.split("Xem trước (chưa lưu)")[1].split("</section>")[0]
    )
    assert db.session.execute(select(Campaign)).first() is None


def test_manager_creates_adds_goal_and_publishes(client, login_as, units):
    login_as("manager", "a")
    response = client.post(
        "/quan-tri/chien-dich/moi",
        data={**_form(units), "save": "1", "cover": (io.BytesIO(jpeg_bytes()), "bia.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    campaign = db.session.execute(select(Campaign)).scalar_one()
    assert campaign.slug == "xe-dap-den-truong" and campaign.cover_image
    refused = client.post(
        f"/quan-tri/chien-dich/{campaign.id}/trang-thai",
        data={"status": "published"},
        follow_redirects=True,
    )
    assert "Cần ít nhất một mục tiêu" in refused.get_data(as_text=True)
    client.post(
        f"/quan-tri/chien-dich/{campaign.id}/muc-tieu",
        data={"goal-asset": "BICYCLE", "goal-target": "50"},
    )
    client.post(f"/quan-tri/chien-dich/{campaign.id}/trang-thai", data={"status": "published"})
    db.session.expire_all()
    campaign = db.session.get(Campaign, campaign.id)
    assert campaign.status == CampaignStatus.published
    assert [(g.asset, g.target) for g in campaign.goals] == [("BICYCLE", 50)]
    public = client.get(f"/chien-dich/{campaign.slug}").get_data(as_text=True)
    assert "50 xe đạp" in public
    actions = set(db.session.execute(select(AuditEntry.action)).scalars())
    assert {"campaign.create", "campaign.cover", "campaign.goal_add", "campaign.publish"} <= actions


def test_bad_cover_refused_and_nothing_half_saved(client, login_as, units):
    login_as("manager", "a")
    response = client.post(
        "/quan-tri/chien-dich/moi",
        data={
            **_form(units),
            "save": "1",
            "cover": (io.BytesIO(b"MZ\x90 not an image"), "virus.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "không phải là ảnh hợp lệ" in response.get_data(as_text=True)
    assert db.session.execute(select(Campaign)).first() is None
    assert (
        db.session.execute(select(AuditEntry).where(AuditEntry.action.like("campaign.%"))).first()
        is None
    )


def test_overlong_title_shows_message(client, login_as, units):
    login_as("admin")
    response = client.post(
        "/quan-tri/chien-dich/moi", data={**_form(units, title="Dài " * 60), "save": "1"}
    )
    assert response.status_code == 422
    assert "tối đa 160 ký tự" in response.get_data(as_text=True)


def test_manager_of_other_unit_is_forbidden(client, login_as, make_campaign):
    campaign = make_campaign(unit="b")
    login_as("manager", "a")
    assert client.get(f"/quan-tri/chien-dich/{campaign.id}").status_code == 403
    assert (
        client.post(
            f"/quan-tri/chien-dich/{campaign.id}/trang-thai", data={"status": "closed"}
        ).status_code
        == 403
    )
    listing = client.get("/quan-tri/chien-dich/").get_data(as_text=True)
    assert campaign.title not in listing


def test_field_member_cannot_open_campaign_admin(client, login_as):
    login_as("field", "a")
    assert client.get("/quan-tri/chien-dich/").status_code == 403


def test_anonymous_redirected_to_login(client):
    response = client.get("/quan-tri/chien-dich/")
    assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]


def test_post_update_with_photo_and_bad_photo(client, login_as, make_campaign):
    campaign = make_campaign(unit="a")
    login_as("manager", "a")
    bad = client.post(
        f"/quan-tri/chien-dich/{campaign.id}/tin/moi",
        data={
            "title": "Tin",
            "body_md": "Nội dung",
            "image": (io.BytesIO(b"GIF89a-broken"), "x.gif"),
        },
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422
    assert db.session.execute(select(CampaignUpdate)).first() is None
    ok = client.post(
        f"/quan-tri/chien-dich/{campaign.id}/tin/moi",
        data={
            "title": "Đã trao 20 xe",
            "body_md": "Ảnh buổi trao.",
            "image": (io.BytesIO(jpeg_bytes()), "a.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert ok.status_code == 302
    html = client.get(f"/chien-dich/{campaign.slug}").get_data(as_text=True)
    assert "Đã trao 20 xe" in html and "image/webp" in html


def test_budget_milestone_forms_and_bad_amount(client, login_as, make_campaign):
    campaign = make_campaign(unit="a", kind="boarding_house")
    login_as("manager", "a")
    bad = client.post(
        f"/quan-tri/chien-dich/{campaign.id}/ngan-sach",
        data={"line-label": "Mái", "line-amount": "abc"},
        follow_redirects=True,
    )
    assert "Số tiền không hợp lệ" in bad.get_data(as_text=True)
    client.post(
        f"/quan-tri/chien-dich/{campaign.id}/ngan-sach",
        data={"line-label": "Mái tôn", "line-amount": "180 triệu"},
    )
    client.post(
        f"/quan-tri/chien-dich/{campaign.id}/moc",
        data={"ms-title": "Khởi công", "ms-due_on": "2026-10-01"},
    )
    html = client.get(f"/chien-dich/{campaign.slug}").get_data(as_text=True)
    assert "Mái tôn" in html and "180.000.000 ₫" in html and "Khởi công" in html
