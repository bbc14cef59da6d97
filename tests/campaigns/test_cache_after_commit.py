"""The page cache is cleared after the commit of a change, never before it (nor on a rollback)."""

from __future__ import annotations

import io

import pytest

from app import uow
from campaigns import cache
from campaigns import services as svc
from tests.conftest import login
from tests.fixtures.campaigns import jpeg_bytes

# A second app's visitor must see only what is committed: real commits, not one shared
# connection (see tests/fixtures/database.py).
pytestmark = pytest.mark.commits


@pytest.fixture
def public(make_app):
    """A visitor's client on an app that caches public pages for a minute."""
    cache.clear()
    yield make_app(CACHE_SECONDS=60).test_client()
    cache.clear()


def _fields(campaign, **changes) -> dict:
    names = ("title", "slug", "summary", "story_md", "kind", "unit_id", "starts_on", "ends_on")
    return {**{name: getattr(campaign, name) for name in names}, **changes}


def _form(campaign, **changes) -> dict:
    return {
        name: str(getattr(value, "value", value) or "")
        for name, value in _fields(campaign, **changes).items()
    }


def _cached(public, slug: str):
    with public.application.app_context():
        return cache.get(("detail", slug, "vi", ""))


def test_a_visitor_between_the_change_and_its_commit_cannot_keep_the_old_page(
    public, make_campaign, make_user
):
    campaign = make_campaign("bo-nho-dem-commit", title="Tên cũ của chiến dịch")
    url = f"/chien-dich/{campaign.slug}"
    assert "Tên cũ của chiến dịch" in public.get(url).get_data(as_text=True)
    svc.update_campaign(
        make_user("admin"), campaign, **_fields(campaign, title="Tên mới của chiến dịch")
    )
    # Someone opens the page after the change but before its commit: they see, and the
    # cache keeps, what is committed so far.
    assert "Tên cũ của chiến dịch" in public.get(url).get_data(as_text=True)
    uow.commit()
    assert "Tên mới của chiến dịch" in public.get(url).get_data(as_text=True)


def test_a_refused_edit_leaves_the_cache_alone(public, client, make_campaign, make_user):
    campaign = make_campaign("bo-nho-dem-loi", title="Chiến dịch giữ nguyên")
    url = f"/chien-dich/{campaign.slug}"
    public.get(url)
    assert _cached(public, campaign.slug) is not None
    login(client, make_user("admin"))
    response = client.post(
        f"/quan-tri/chien-dich/{campaign.id}/sua",
        data={
            **_form(campaign, title="Tên không được lưu"),
            "save": "1",
            "cover": (io.BytesIO(b"MZ\x90 not an image"), "virus.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422  # the campaign was changed, then the cover refused
    assert _cached(public, campaign.slug) is not None
    assert "Chiến dịch giữ nguyên" in public.get(url).get_data(as_text=True)
    good = client.post(
        f"/quan-tri/chien-dich/{campaign.id}/sua",
        data={
            **_form(campaign, title="Tên đã lưu"),
            "save": "1",
            "cover": (io.BytesIO(jpeg_bytes()), "bia.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert good.status_code == 302 and _cached(public, campaign.slug) is None
    assert "Tên đã lưu" in public.get(url).get_data(as_text=True)
