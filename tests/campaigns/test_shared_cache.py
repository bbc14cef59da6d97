"""The public pages' cache through Flask-Caching: one per process by default, Redis when
REDIS_URL is set, so that several web servers show the same totals; rate limits and login
throttles in the same Redis. Every test runs on both the simple cache and the machine's Redis.
"""

from __future__ import annotations

import uuid

import pytest
import redis

from app import uow
from app.auth.models import User
from app.config import ProductionConfig
from app.extensions import db, limiter
from campaigns import cache
from campaigns import services as svc
from campaigns.models import Campaign
from tests.conftest import PASSWORD
from tests.fixtures.mail import free_port

REDIS = "redis://127.0.0.1:6379/15"


@pytest.fixture(params=["simple", "redis"])
def backend(request):
    """Settings of the page cache under test (Redis: a key prefix of this test's own)."""
    if request.param == "simple":
        cache.clear_process_cache()
        yield {}
        cache.clear_process_cache()
        return
    prefix = f"test-{uuid.uuid4().hex[:8]}:"
    yield {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": REDIS, "CACHE_KEY_PREFIX": prefix}
    client = redis.Redis.from_url(REDIS)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def test_servers_share_the_page_and_one_change_refreshes_them_all(
    backend, make_app, make_campaign, give, make_user
):
    # Two web servers (two apps: under Redis, each with its own connection to it).
    server = make_app(CACHE_SECONDS=60, **backend)
    first, second = server.test_client(), make_app(CACHE_SECONDS=60, **backend).test_client()
    campaign = make_campaign("dung-chung", title="Áo ấm cho em")
    admin_id = make_user("admin").id
    give(campaign, 1_000_000)
    url = f"/chien-dich/{campaign.slug}"
    assert "1.000.000 ₫" in first.get(url).get_data(as_text=True)
    if backend:
        stored = redis.Redis.from_url(REDIS).keys(f"{backend['CACHE_KEY_PREFIX']}*")
        assert any(b"detail" in key for key in stored)  # the page is in Redis
    give(campaign, 2_000_000)  # a gift alone does not clear: pages lag by CACHE_SECONDS
    assert "3.000.000 ₫" not in second.get(url).get_data(as_text=True)  # the shared copy
    names = ("slug", "summary", "story_md", "kind", "unit_id", "starts_on", "ends_on")
    fields = {name: getattr(campaign, name) for name in names}
    with server.app_context():  # an editor's change on the first server…
        row = db.session.get(Campaign, campaign.id)
        svc.update_campaign(
            db.session.get(User, admin_id), row, **fields, title="Áo ấm cho em vùng cao"
        )
        uow.commit()  # …clears the cache for every server, after its commit
        db.session.remove()
    for client in (first, second):
        html = client.get(url).get_data(as_text=True)
        assert "Áo ấm cho em vùng cao" in html and "3.000.000 ₫" in html


def test_nothing_is_served_older_than_cache_seconds(
    backend, make_app, make_campaign, give, cache_clock
):
    campaign = make_campaign("han-5-giay")
    give(campaign, 1_000_000)
    client = make_app(CACHE_SECONDS=5, **backend).test_client()
    url = f"/chien-dich/{campaign.slug}"
    assert "1.000.000 ₫" in client.get(url).get_data(as_text=True)
    give(campaign, 500_000)
    cache_clock.advance(4.9)
    assert "1.500.000 ₫" not in client.get(url).get_data(as_text=True)
    cache_clock.advance(0.2)
    assert "1.500.000 ₫" in client.get(url).get_data(as_text=True)


def test_the_figures_are_cached_too(backend, make_app, make_campaign, give):
    from campaigns import figures

    campaign = make_campaign("so-lieu")
    give(campaign, 700_000)
    other = make_app(CACHE_SECONDS=60, **backend)
    with other.app_context():
        assert figures.campaign_figures(campaign.account).raised["VND"] == 700_000
    give(campaign, 300_000)
    with other.app_context():
        assert figures.campaign_figures(campaign.account).raised["VND"] == 700_000  # cached
        cache.clear()
        assert figures.campaign_figures(campaign.account).raised["VND"] == 1_000_000


def test_pages_work_when_redis_is_down(make_app, make_campaign, give):
    down = {
        "CACHE_TYPE": "RedisCache",
        "CACHE_REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
        "CACHE_KEY_PREFIX": "nobody:",
    }
    client = make_app(CACHE_SECONDS=60, **down).test_client()
    campaign = make_campaign("khong-redis")
    give(campaign, 400_000)
    url = f"/chien-dich/{campaign.slug}"
    assert "400.000 ₫" in client.get(url).get_data(as_text=True)
    give(campaign, 100_000)
    assert "500.000 ₫" in client.get(url).get_data(as_text=True)  # computed each time


def test_redis_url_chooses_redis_for_pages_limits_and_jobs(monkeypatch, make_app):
    monkeypatch.setenv("REDIS_URL", REDIS)
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    # Production refuses to start without its database and bank account (issue 13).
    monkeypatch.setenv("DATABASE_URL", "postgresql://quy@db.internal/quy")
    monkeypatch.setenv("BANK_BIN", "970436")
    monkeypatch.setenv("BANK_ACCOUNT_NUMBER", "0011009988776")
    monkeypatch.setenv("BANK_ACCOUNT_NAME", "QUY THAP SANG")
    values = ProductionConfig.from_env()
    assert values["REDIS_URL"] == REDIS and values["RATELIMIT_STORAGE_URI"] == REDIS
    other = make_app(REDIS_URL=REDIS)
    backend = other.extensions["cache"][cache.store]
    assert type(backend).__name__ == "RedisCache"
    monkeypatch.delenv("REDIS_URL")
    plain = make_app()
    assert plain.extensions["cache"][cache.store] is cache.process_store()


@pytest.fixture
def limited(make_app):
    """Factory: a server with rate limits on, stored at a URI; limits go off again after.

    Redis counters carry a key prefix of the test's own (and expire by themselves): a reset
    would delete every limiter key in that Redis database.
    """
    uris: list[str] = []

    def factory(uri: str, prefix: str):
        uris.append(uri)
        return make_app(
            RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=uri, RATELIMIT_KEY_PREFIX=prefix
        )

    yield factory
    if uris and uris[-1].startswith("memory"):
        limiter.reset()
    limiter.enabled = False


@pytest.mark.parametrize("storage", ["memory", "redis"])
def test_login_throttle_is_shared_by_servers_on_redis(storage, limited, make_user):
    """Eight wrong passwords for one account on one server: the next try on a second server
    is refused when they share Redis (memory: each server counts its own)."""
    uri = "memory://" if storage == "memory" else REDIS
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    user = make_user("manager", "a")
    first = limited(uri, prefix)
    codes = [
        first.test_client()
        .post("/dang-nhap", data={"email": user.email, "password": "sai-mat-khau"})
        .status_code
        for _ in range(8)
    ]
    assert codes == [401] * 8
    # A second server starts: the shared limiter is bound to its storage anew.
    second = limited(uri, prefix)
    answer = second.test_client().post(
        "/dang-nhap", data={"email": user.email, "password": PASSWORD}
    )
    if storage == "redis":
        assert answer.status_code == 429  # it saw the first server's eight failures
    else:
        assert answer.status_code == 302  # a fresh memory store knows nothing
