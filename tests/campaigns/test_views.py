"""Public pages as a visitor meets them."""

from __future__ import annotations

import io
from datetime import date, timedelta

from PIL import Image

from app.extensions import db
from campaigns import referrals
from campaigns.models import CampaignUpdate, FundraisingPage, PageStatus
from tests.fixtures.documents import pdf_text


def test_home_shows_featured_totals_and_recent_gifts(client, make_campaign, give):
    campaign = make_campaign(featured=True, title="Học bổng Tiếp bước")
    give(campaign, 1_500_000, label="Chị Mận")
    give(campaign, 500_000)
    html = client.get("/").get_data(as_text=True)
    assert "Học bổng Tiếp bước" in html
    assert "2.000.000 ₫" in html
    assert "Chị Mận" in html and "Nhà hảo tâm ẩn danh" in html


def test_home_empty_states(client):
    html = client.get("/").get_data(as_text=True)
    assert "Chưa có khoản ủng hộ nào." in html


def test_list_filters_and_paginates(client, make_campaign):
    for i in range(14):
        make_campaign(f"hoc-bong-{i:02d}", kind="scholarship")
    make_campaign("gao-1", kind="rice_jar", unit="b")
    make_campaign("nhap-1", status="draft")
    first = client.get("/chien-dich/").get_data(as_text=True)
    assert "Trang 1 / 2" in first and "nhap-1" not in first
    rice = client.get("/chien-dich/?kind=rice_jar").get_data(as_text=True)
    assert "gao-1" in rice and "hoc-bong-00" not in rice
    none = client.get("/chien-dich/?kind=rice_jar&status=archived").get_data(as_text=True)
    assert "Không có chiến dịch nào khớp bộ lọc." in none
    junk = client.get("/chien-dich/?kind=<x>&unit=abc&page=-3")
    assert junk.status_code == 200


def test_campaign_page_shows_progress_and_money_flow(client, make_campaign, give):
    campaign = make_campaign(
        ends_on=date.today() + timedelta(days=10),
        goals=(("VND", 10_000_000), ("RICE_G", 2_000_000)),
    )
    give(campaign, 2_500_000, label="Anh Sáng")
    give(campaign, 500_000, asset="RICE_G")
    response = client.get(f"/chien-dich/{campaign.slug}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2.500.000 ₫" in html and "25% mục tiêu" in html
    assert "500 kg gạo" in html and "2.000 kg gạo" in html
    assert "Tiền đã đi đâu" in html and "Anh Sáng" in html
    assert 'property="og:image"' in html and "twitter:card" in html
    assert "facebook.com/sharer" in html and "zalo.me/share" in html
    assert "/c/" + campaign.slug in html


def test_unknown_and_draft_slugs_are_404(client, make_campaign):
    make_campaign("ban-nhap", status="draft")
    for url in ("/chien-dich/khong-co", "/chien-dich/ban-nhap", "/c/khong-co"):
        response = client.get(url, follow_redirects=True)
        assert response.status_code == 404
        assert "Không tìm thấy chiến dịch" in response.get_data(as_text=True)


def test_closed_campaign_visible_without_donate(client, make_campaign):
    campaign = make_campaign("da-xong", status="closed")
    html = client.get(f"/chien-dich/{campaign.slug}").get_data(as_text=True)
    assert "không còn nhận ủng hộ" in html
    assert f"/ung-ho/{campaign.slug}" not in html


def test_donate_button_or_bank_details(app, client, make_campaign):
    campaign = make_campaign()
    html = client.get(f"/chien-dich/{campaign.slug}?ref=khong-co").get_data(as_text=True)
    if "pledges.donate" in app.view_functions:
        assert f'href="/ung-ho/{campaign.slug}"' in html  # unknown ref ignored, no error
    else:
        assert app.config["BANK_ACCOUNT_NUMBER"] in html


def test_short_link_keeps_ref_and_ref_is_remembered(app, client, make_campaign, units):
    campaign = make_campaign()
    referrals.unit_code(units["a"])
    db.session.commit()
    response = client.get(f"/c/{campaign.slug}?ref=huyen-a")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/chien-dich/{campaign.slug}?ref=huyen-a")
    client.get(response.headers["Location"])
    html = client.get(f"/chien-dich/{campaign.slug}").get_data(as_text=True)  # no ref in URL now
    assert "liên kết giới thiệu “huyen-a”" in html
    if "pledges.donate" in app.view_functions:
        assert f"/ung-ho/{campaign.slug}?ref=huyen-a" in html


def test_share_card_is_1200x630_and_changes_with_totals(client, make_campaign, give):
    campaign = make_campaign()
    first = client.get(f"/chien-dich/{campaign.slug}/anh-chia-se.png")
    assert first.status_code == 200 and first.mimetype == "image/png"
    assert Image.open(io.BytesIO(first.data)).size == (1200, 630)
    give(campaign, 4_000_000)
    second = client.get(f"/chien-dich/{campaign.slug}/anh-chia-se.png")
    assert second.data != first.data


def test_poster_pdf_and_png(client, make_campaign):
    campaign = make_campaign()
    pdf = client.get(f"/chien-dich/{campaign.slug}/poster.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = pdf_text(pdf.data)
    for expected in (campaign.title, "Quét mã để ủng hộ", f"http://localhost/c/{campaign.slug}"):
        assert expected in text, (expected, text)
    png = client.get(f"/chien-dich/{campaign.slug}/poster.png")
    assert Image.open(io.BytesIO(png.data)).size == (1240, 1754)


def test_update_page_has_sharing_tags(client, make_campaign):
    campaign = make_campaign()
    post = CampaignUpdate(campaign_id=campaign.id, title="Đã trao 50 suất", body_md="Tin **vui**.")
    db.session.add(post)
    db.session.commit()
    html = client.get(f"/chien-dich/{campaign.slug}/tin/{post.id}").get_data(as_text=True)
    assert "Đã trao 50 suất" in html and "<strong>vui</strong>" in html
    assert 'property="og:title" content="Đã trao 50 suất"' in html
    assert client.get(f"/chien-dich/{campaign.slug}/tin/999").status_code == 404


def test_image_variants_have_long_cache(client, ctx):
    from campaigns.images import store_image
    from tests.fixtures.campaigns import jpeg_bytes

    key = store_image(jpeg_bytes())
    response = client.get(f"/anh/{key}-card.webp")
    assert response.status_code == 200 and response.mimetype == "image/webp"
    assert response.cache_control.max_age >= 365 * 24 * 3600
    assert client.get("/anh/../../etc-card.jpg").status_code == 404
    assert client.get(f"/anh/{key}-huge.jpg").status_code == 404


def test_personal_page_request_then_approval(client, make_campaign, units, make_user, login_as):
    campaign = make_campaign(unit="a")
    bad = client.post(
        f"/chien-dich/{campaign.slug}/gay-quy",
        data={
            "owner_name": "Hà Thu",
            "owner_email": "khong-phai-email",
            "unit_id": units["school"].id,
            "title": "Trang của Thu",
            "message": "Cùng mình nhé",
            "goal": "5 triệu",
        },
    )
    assert bad.status_code == 422 and "e-mail không hợp lệ" in bad.get_data(as_text=True)
    assert db.session.query(FundraisingPage).count() == 0
    ok = client.post(
        f"/chien-dich/{campaign.slug}/gay-quy",
        data={
            "owner_name": "Hà Thu",
            "owner_email": "thu@example.vn",
            "unit_id": units["school"].id,
            "title": "Trang của Thu",
            "message": "Cùng mình nhé",
            "goal": "5 triệu",
        },
    )
    assert ok.status_code == 302
    page = db.session.query(FundraisingPage).one()
    assert page.goal == 5_000_000 and page.status == PageStatus.pending
    assert client.get(f"/chien-dich/{campaign.slug}/ca-nhan/{page.code}").status_code == 404
    login_as("manager", "b")  # another district: may not approve
    assert (
        client.post(
            f"/quan-tri/chien-dich/trang-ca-nhan/{page.id}/quyet-dinh", data={"decision": "approve"}
        ).status_code
        == 403
    )
    db.session.expire_all()
    assert db.session.get(FundraisingPage, page.id).status == PageStatus.pending


def test_leaderboards_and_honour_pages(client, make_campaign, give):
    campaign = make_campaign()
    give(campaign, 100_000, label="Cô Ba")
    assert "Cô Ba" in client.get("/vinh-danh").get_data(as_text=True)
    assert "Chưa có khoản ủng hộ nào qua liên kết" in client.get("/thi-dua").get_data(as_text=True)
    assert client.get(f"/chien-dich/{campaign.slug}/thi-dua").status_code == 200


def test_campaign_page_in_english(client, make_campaign, give):
    campaign = make_campaign()
    give(campaign, 2_000_000)
    client.get("/ngon-ngu/en")
    html = client.get(f"/chien-dich/{campaign.slug}").get_data(as_text=True)
    assert "Where the money went" in html and "20% of goal" in html
    assert "Anonymous donor" in html


def test_cached_page_is_never_stale_for_longer_than_cache_seconds(
    make_app, make_campaign, give, cache_clock
):
    campaign = make_campaign("bo-nho-dem")
    give(campaign, 1_000_000)
    client = make_app(CACHE_SECONDS=5).test_client()
    url = f"/chien-dich/{campaign.slug}"
    assert "1.000.000 ₫" in client.get(url).get_data(as_text=True)
    give(campaign, 2_000_000)
    cache_clock.advance(4.9)
    assert "3.000.000 ₫" not in client.get(url).get_data(as_text=True)  # still the cached page
    cache_clock.advance(0.2)
    assert "3.000.000 ₫" in client.get(url).get_data(as_text=True)


def test_open_campaigns_listed_before_closed_ones(client, make_campaign):
    make_campaign("cu-da-xong", status="closed", title="Chiến dịch đã xong")
    make_campaign("dang-mo", title="Chiến dịch đang mở")
    html = client.get("/chien-dich/").get_data(as_text=True)
    assert html.index("Chiến dịch đang mở") < html.index("Chiến dịch đã xong")
