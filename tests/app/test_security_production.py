"""Production refuses demo data and demo money (issue 13 item 8)."""

from __future__ import annotations

import pytest

from app import create_app

REAL = {
    "DATABASE_URL": "postgresql://thapsang@db.example/thapsang",
    "BANK_BIN": "970436",
    "BANK_ACCOUNT_NUMBER": "1234567890",
    "BANK_ACCOUNT_NAME": "QUY THAP SANG UOC MO TINH",
    "SECRET_KEY": "k" * 48,
}


@pytest.fixture
def production_env(monkeypatch, app):
    for name, value in REAL.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("APP_ENV", "production")
    yield monkeypatch
    restore_test_app(app)


def restore_test_app(app) -> None:
    """A production app takes the shared job queue (jobs no longer run at once) and switches
    the one shared limiter on: give both back to the test app."""
    from app.extensions import limiter
    from app.jobs import queue

    queue.bind(app)
    limiter.enabled = False


def test_one_message_names_everything_missing(production_env, app_settings):
    for name in ("DATABASE_URL", "BANK_ACCOUNT_NUMBER", "BANK_ACCOUNT_NAME"):
        production_env.delenv(name)
    with pytest.raises(RuntimeError) as refused:
        create_app("production", app_settings)
    message = str(refused.value)
    assert "DATABASE_URL" in message and "BANK_ACCOUNT_NUMBER" in message
    assert "BANK_ACCOUNT_NAME" in message and "BANK_BIN" not in message


def test_the_demo_bank_account_is_refused(production_env, app_settings):
    production_env.setenv("BANK_ACCOUNT_NUMBER", "0011001932418")
    with pytest.raises(RuntimeError, match="demo account"):
        create_app("production", app_settings)


def test_production_starts_with_everything_set(production_env, app_settings):
    prod = create_app("production", app_settings)
    assert prod.config["BANK_ACCOUNT_NUMBER"] == "1234567890"
    assert prod.config["TRUSTED_PROXIES"] == 1


def test_flask_demo_refuses_production(production_env, app_settings):
    prod = create_app("production", app_settings)
    runner = prod.test_cli_runner()
    for command in (["demo", "seed"], ["demo", "seed-if-empty"]):
        result = runner.invoke(args=command)
        assert result.exit_code != 0
        assert "production" in result.output


def test_flask_demo_still_works_in_development(app):
    result = app.test_cli_runner().invoke(args=["demo", "--help"])
    assert result.exit_code == 0 and "seed" in result.output
