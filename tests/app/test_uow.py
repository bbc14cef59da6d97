"""The unit of work: commit once at the end, or roll back, show the refusal and drop after-commit
work; the same for views, JSON, CLI commands and the error handlers."""

from __future__ import annotations

import pytest
from flask import get_flashed_messages
from flask.cli import AppGroup
from flask_babel import lazy_gettext as _l
from sqlalchemy import create_engine, select, text
from wtforms import Form, StringField

from app import uow
from app.errors import Conflict, DomainError
from app.extensions import db
from app.ledger import service as ledger
from app.ledger.models import LedgerEntry
from app.units.models import Unit, UnitKind


def _unit(code: str) -> Unit:
    unit = Unit(code=code, name=f"Đơn vị {code}", kind=UnitKind.district)
    db.session.add(unit)
    db.session.flush()
    return unit


def _stored(app, code: str) -> bool:
    """Whether `code` is committed, seen from a connection of its own."""
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with engine.connect() as conn:
            found = conn.execute(text("SELECT 1 FROM units WHERE code = :c"), {"c": code})
            return found.first() is not None
    finally:
        engine.dispose()


class CodeForm(Form):
    code = StringField()
    amount_other = StringField()


@pytest.mark.commits  # reads what is committed from a connection of its own
def test_attempt_commits_before_its_after_commit_work(app, ctx):
    seen = []
    with app.test_request_context("/", method="POST"):
        with uow.attempt() as done:
            assert not done  # not committed while the block runs
            _unit("da-luu")
            uow.after_commit(lambda: seen.append(_stored(app, "da-luu")))
        assert done and done.error is None
    assert seen == [True]


@pytest.mark.commits  # reads what is committed from a connection of its own
def test_a_refusal_rolls_back_goes_on_its_field_and_drops_after_commit_work(app, ctx):
    seen = []
    with app.test_request_context("/", method="POST"):
        form = CodeForm()
        with uow.attempt(form) as done:
            _unit("bi-tu-choi")
            uow.after_commit(lambda: seen.append("sent"))
            raise Conflict("Mã này đã có.", field="code")
        assert not done and isinstance(done.error, Conflict)
        assert form.code.errors == ["Mã này đã có."] and get_flashed_messages() == []
    assert seen == [] and not _stored(app, "bi-tu-choi")
    with app.test_request_context("/", method="POST"):
        uow.commit()  # a later unit does not resurrect the dropped work
    assert seen == []


def test_a_refusal_without_a_field_is_flashed_and_fields_rename(app, ctx):
    with app.test_request_context("/", method="POST"):
        form = CodeForm()
        with uow.attempt(form) as done:
            raise DomainError("Không làm được lúc này.")
        with uow.attempt(form, fields={"amount": "amount_other"}):
            raise DomainError("Số tiền quá nhỏ.", field="amount")
        assert not done and get_flashed_messages() == ["Không làm được lúc này."]
        assert form.amount_other.errors == ["Số tiền quá nhỏ."]


@pytest.mark.commits  # reads what is committed from a connection of its own
def test_other_errors_roll_back_and_propagate(app, ctx):
    with (
        app.test_request_context("/", method="POST"),
        pytest.raises(RuntimeError),
        uow.attempt(),
    ):
        _unit("hong")
        raise RuntimeError("disk full")
    assert not _stored(app, "hong")


@pytest.mark.commits  # reads what is committed from a connection of its own
def test_transactional_commits_below_400_and_rolls_back_otherwise(app, ctx):
    @uow.transactional
    def view(code: str, status: int):
        _unit(code)
        return "ok", status

    @uow.transactional
    def refusing():
        _unit("tu-choi")
        raise Conflict("Đã có người xử lý.")

    with app.test_request_context("/", method="POST"):
        assert view("tra-loi-200", 200).status_code == 200
        assert view("tra-loi-302", 302).status_code == 302
        assert view("tra-loi-422", 422).status_code == 422
        with pytest.raises(Conflict):
            refusing()
    assert _stored(app, "tra-loi-200") and _stored(app, "tra-loi-302")
    assert not _stored(app, "tra-loi-422") and not _stored(app, "tu-choi")


@pytest.mark.commits  # reads what is committed from a connection of its own
def test_cli_command_commits_or_refuses_with_its_exit_code(app, units):
    group = AppGroup("thu")

    @group.command("ok")
    @uow.command
    def ok():
        _unit("cli-ok")

    @group.command("refuse")
    @uow.command(exit_code=3)
    def refuse():
        _unit("cli-refused")
        raise Conflict(_l("Đơn vị này đã có."))

    runner = app.test_cli_runner()
    assert runner.invoke(ok).exit_code == 0
    result = runner.invoke(refuse)
    assert result.exit_code == 3 and "Error: Đơn vị này đã có." in result.output
    assert _stored(app, "cli-ok") and not _stored(app, "cli-refused")


def test_ledger_errors_are_domain_errors_with_conflict_codes():
    assert issubclass(ledger.LedgerError, DomainError)
    assert ledger.InsufficientFunds.status_code == 409
    assert ledger.IdempotencyConflict.status_code == 409
    assert ledger.AlreadyReversed.status_code == 409


def _conflicting_app(make_app):
    """An app with a route that posts and then hits an idempotency conflict, in JSON and HTML."""
    other = make_app()

    @uow.transactional
    def conflicting():
        for amount in (100_000, 200_000):  # the second reuses the first one's key
            ledger.post(
                source="world",
                destination="campaign:xung-dot",
                asset="VND",
                amount=amount,
                kind="donation",
                ref="TSXUNGDOT",
                idempotency_key="test:xung-dot",
            )
        return "ok"

    other.add_url_rule("/api/v1/thu-xung-dot", "api_conflict", conflicting, methods=["POST"])
    other.add_url_rule("/thu-xung-dot", "html_conflict", conflicting, methods=["POST"])
    return other


def test_a_ledger_conflict_is_a_clear_409_never_a_500(make_app, ctx):
    client = _conflicting_app(make_app).test_client()
    answer = client.post("/api/v1/thu-xung-dot")
    assert answer.status_code == 409
    assert answer.json["error"]["code"] == "conflict"
    assert "đã được ghi sổ cái ở bút toán #1" in answer.json["error"]["message"]
    page = client.post("/thu-xung-dot")
    assert page.status_code == 409 and "có lẽ do người khác vừa xử lý" in page.get_data(
        as_text=True
    )
    client.get("/ngon-ngu/en")
    english = client.post("/api/v1/thu-xung-dot")
    assert "probably because someone else just handled it" in english.json["error"]["message"]
    # The handler rolled back through the unit of work: the first posting is gone too.
    assert db.session.execute(select(LedgerEntry)).first() is None
    assert ledger.balance("campaign:xung-dot") == 0


def test_insufficient_funds_says_how_much_is_left_in_dong(ctx):
    with pytest.raises(ledger.InsufficientFunds) as info:
        ledger.post(
            source="campaign:thieu",
            destination="student:HS-THIEU",
            asset="VND",
            amount=1_500_000,
            kind="allocation",
            ref="DT-1",
            idempotency_key="test:thieu",
        )
    db.session.rollback()
    message = str(info.value.message)
    assert "còn 0 ₫, cần 1.500.000 ₫" in message and "không có gì được ghi sổ" in message
