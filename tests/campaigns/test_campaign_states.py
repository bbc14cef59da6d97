"""The campaign page in each state: open, finished, draft preview; a new campaign's invitation."""

from __future__ import annotations

from datetime import date, timedelta

from campaigns.views import today


def test_closed_campaign_never_counts_down(client, make_campaign):
    make_campaign(status="closed", ends_on=today() + timedelta(days=20))
    page = client.get("/chien-dich/hoc-bong-thu").get_data(as_text=True)
    assert "ngày còn lại" not in page and "Đã kết thúc" in page
    assert "data-sticky-give" not in page


def test_open_campaign_counts_down_and_invites_the_first_gift(client, make_campaign):
    make_campaign(ends_on=today() + timedelta(days=20))
    page = client.get("/chien-dich/hoc-bong-thu").get_data(as_text=True)
    assert "ngày còn lại" in page and "Hãy là người đầu tiên ủng hộ" in page


def test_draft_preview_reads_as_a_preview(client, login_as, make_campaign):
    campaign = make_campaign(status="draft", ends_on=date(2020, 1, 1))
    login_as("manager", "a")
    page = client.get(f"/quan-tri/chien-dich/{campaign.id}/xem-truoc").get_data(as_text=True)
    assert "Bản xem trước" in page and "Đã kết thúc" not in page and "ngày còn lại" not in page
