"""Monthly bank reconciliation: statement balances against the ledger, every difference listed,
the month closed only when they agree, and its public page."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.demo import seed_all
from app.errors import Conflict, DomainError
from app.extensions import db
from app.ledger import service as ledger
from donations.bank import reconciliation
from donations.bank.models import BankTransaction, StatementImport, TxStatus
from donations.bank.month_models import BankMonth, MonthStatus
from tests.fixtures.donations import SEPAY_KEY, post_sepay, sepay_body

MONTH = "2026-11"
OPENING = 5_000_000


@pytest.fixture(autouse=True)
def keys(app, monkeypatch):
    monkeypatch.setitem(app.config, "SEPAY_API_KEY", SEPAY_KEY)


@pytest.fixture
def pledge(make_bank_pledge, make_campaign):
    return make_bank_pledge(make_campaign(unit="province"), amount=200_000)


@pytest.fixture
def statement(ctx):
    row = StatementImport(filename="sao-ke-11.csv", sha256="ab" * 32, rows=3)
    db.session.add(row)
    db.session.commit()
    return row


def gifts(client, pledge, n: int = 2) -> None:
    """n transfers paying the pledge in November, reported by SePay."""
    for day in range(n):
        post_sepay(client, sepay_body(pledge.reference, when=f"2026-11-{10 + day} 09:00:00"))


def enter(login_as, client, closing: int, statement, opening: int = OPENING):
    login_as("treasurer")
    return client.post(
        f"/quan-tri/doi-soat/{MONTH}",
        data={
            "opening": f"{opening:,}".replace(",", "."),
            "closing": f"{closing:,}".replace(",", "."),
            "statement_id": statement.id,
        },
    )


def close(client):
    return client.post(f"/quan-tri/doi-soat/{MONTH}/chot", follow_redirects=True)


def record() -> BankMonth:
    db.session.expire_all()
    return db.session.execute(select(BankMonth).where(BankMonth.month == MONTH)).scalar_one()


def test_bounds_are_vietnam_months():
    start, end = reconciliation.bounds("2026-12")
    assert start == datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
    assert end == datetime(2026, 12, 31, 17, 0, tzinfo=UTC)


def test_a_balanced_month_closes_and_is_published(client, pledge, statement, login_as):
    gifts(client, pledge)
    # A transfer at 23:30 on 30 November (Vietnam) belongs to November, not December.
    post_sepay(client, sepay_body(pledge.reference, when="2026-11-30 23:30:00"))
    closing = OPENING + 600_000
    assert enter(login_as, client, closing, statement).status_code == 302
    page = client.get(f"/quan-tri/doi-soat/{MONTH}")
    assert "Ngân hàng và sổ cái khớp nhau" in page.text
    response = close(client)
    assert "Đã chốt đối soát tháng 11/2026" in response.text
    month = record()
    assert month.status == MonthStatus.closed and month.difference == 0
    assert month.ledger_total == closing and month.statement_sha256 == "ab" * 32
    actions = db.session.execute(select(AuditEntry.action)).scalars().all()
    assert "bank_month.statement" in actions and "bank_month.close" in actions

    public = client.get(f"/doi-soat/{MONTH}")
    assert public.status_code == 200
    assert "5.600.000 ₫" in public.text and "ab" * 32 in public.text
    assert "Chênh lệch" in public.text and "0 ₫" in public.text
    # Totals only: nothing of a donor reaches the public page.
    assert pledge.reference not in public.text and pledge.donor_name not in public.text
    listing = client.get("/doi-soat").text
    assert f"/doi-soat/{MONTH}" in listing
    # The month as people write it (11/2026, not 2026-11), in either language.
    assert f">{MONTH}<" not in listing and ">11/2026<" in listing
    assert "Đối soát tháng 11/2026" in public.text

    # Closed is closed: no new balances, no second close.
    assert "đã chốt" in enter(login_as, client, closing + 1, statement).text
    assert record().closing_balance == closing
    assert "Reconciliation of November 2026" in client.get(f"/doi-soat/{MONTH}?lang=en").text


def test_transfer_waiting_in_review_is_listed_and_blocks_the_close(
    client, pledge, statement, login_as
):
    gifts(client, pledge, 1)
    post_sepay(client, sepay_body("ung ho cac em", amount=300_000, when="2026-11-12 10:00:00"))
    enter(login_as, client, OPENING + 500_000, statement)
    result = reconciliation.reconcile(MONTH, record())
    assert result.difference == 300_000 and result.waiting == 1
    assert [(i.kind, i.amount) for i in result.items] == [("unassigned", 300_000)]
    assert result.unexplained == 0
    page = close(client)
    assert "đang chờ xử lý" in page.text and record().status == MonthStatus.open

    waiting = db.session.execute(
        select(BankTransaction).where(BankTransaction.status == TxStatus.review)
    ).scalar_one()
    client.post(
        f"/quan-tri/ung-ho/giao-dich/{waiting.id}/gan",
        data={"a-pledge_reference": pledge.reference},
    )
    assert "Đã chốt đối soát" in close(client).text


def test_money_out_not_in_the_ledger_and_fees_are_listed(client, pledge, statement, login_as):
    gifts(client, pledge, 2)
    post_sepay(
        client,
        sepay_body("CHI HO TRO HOC SINH", amount=1_000_000, kind="out", when="2026-11-20 08:00:00"),
    )
    post_sepay(
        client,
        sepay_body("Phi SMS Banking T11", amount=11_000, kind="out", when="2026-11-30 20:00:00"),
    )
    closing = OPENING + 400_000 - 1_011_000
    enter(login_as, client, closing, statement)
    result = reconciliation.reconcile(MONTH, record())
    assert result.ledger_total == OPENING + 400_000
    assert result.difference == -1_011_000
    assert {(i.kind, i.amount) for i in result.items} == {
        ("payment_unrecorded", -1_000_000),
        ("fee", -11_000),
    }
    assert result.unexplained == 0
    page = client.get(f"/quan-tri/doi-soat/{MONTH}").text
    assert "CHI HO TRO HOC SINH" in page and "Phí ngân hàng chưa ghi sổ cái" in page
    assert "Chưa khớp" in close(client).text and record().status == MonthStatus.open


def test_a_payment_recorded_in_the_ledger_balances_the_money_out(
    client, pledge, statement, login_as
):
    gifts(client, pledge, 2)
    post_sepay(
        client, sepay_body("HOAN TIEN", amount=150_000, kind="out", when="2026-11-21 09:00:00")
    )
    # The refund the treasurer recorded: campaign → world, the same day.
    ledger.post(
        source=pledge.campaign.account,
        destination="world",
        asset="VND",
        amount=150_000,
        kind="refund",
        ref=pledge.reference,
        idempotency_key="test:refund:1",
        at=datetime(2026, 11, 21, 2, 0, tzinfo=UTC),
    )
    db.session.commit()
    enter(login_as, client, OPENING + 400_000 - 150_000, statement)
    result = reconciliation.reconcile(MONTH, record())
    assert result.ledger_payments == 150_000 and result.difference == 0 and result.items == []


def test_closing_needs_balances_a_statement_and_a_finished_month(
    ctx, make_user, statement, client, pledge
):
    treasurer = make_user("treasurer", "province")
    with pytest.raises(DomainError, match="số dư đầu kỳ"):
        reconciliation.close_month(treasurer, MONTH)
    reconciliation.save_statement(
        treasurer, MONTH, opening=OPENING, closing=OPENING, statement_import_id=None
    )
    with pytest.raises(DomainError, match="tệp sao kê"):
        reconciliation.close_month(treasurer, MONTH)
    reconciliation.save_statement(
        treasurer, MONTH, opening=OPENING, closing=OPENING, statement_import_id=statement.id
    )
    with pytest.raises(DomainError, match="chưa kết thúc"):
        reconciliation.close_month(treasurer, MONTH, now=datetime(2026, 11, 30, 12, 0, tzinfo=UTC))
    closed = reconciliation.close_month(treasurer, MONTH)
    assert closed.closed
    with pytest.raises(Conflict):
        reconciliation.close_month(treasurer, MONTH)
    with pytest.raises(Conflict):
        reconciliation.save_statement(
            treasurer, MONTH, opening=1, closing=1, statement_import_id=statement.id
        )


def test_only_treasurers_close(ctx, make_user, statement):
    manager = make_user("manager", "province")
    with pytest.raises(DomainError):
        reconciliation.save_statement(
            manager, MONTH, opening=1, closing=1, statement_import_id=statement.id
        )


@pytest.mark.parametrize("typed", ["abc", "-5.000", "1,5"])
def test_unreadable_balances_are_refused_on_their_field(client, login_as, statement, typed):
    login_as("treasurer")
    response = client.post(
        f"/quan-tri/doi-soat/{MONTH}",
        data={"opening": typed, "closing": "1.000.000", "statement_id": statement.id},
    )
    assert response.status_code == 422
    assert db.session.execute(select(BankMonth)).first() is None


def test_zero_is_a_balance(client, login_as, statement):
    response = enter(login_as, client, 0, statement, opening=0)
    assert response.status_code == 302 and record().opening_balance == 0


@pytest.mark.parametrize("month", ["2026-13", "2026-1", "abcd-ef", "2026-00"])
def test_bad_months_are_404(client, login_as, month):
    assert client.get(f"/doi-soat/{month}").status_code == 404
    login_as("treasurer")
    assert client.get(f"/quan-tri/doi-soat/{month}").status_code == 404


def test_open_month_is_not_public(client, login_as, statement):
    enter(login_as, client, OPENING, statement)
    assert client.get(f"/doi-soat/{MONTH}").status_code == 404
    assert "Chưa có tháng nào được chốt" in client.get("/doi-soat").text


def test_demo_month_reconciles_at_zero(ctx, client):
    seed_all(lambda _msg: None)
    db.session.commit()
    month = record()
    assert month.closed and month.difference == 0
    # Computed again now, from the ledger and the bank rows, it still agrees.
    again = reconciliation.reconcile(MONTH, month)
    assert again.difference == 0 and again.balances
    assert again.ledger_payments > 0 and again.ledger_credits > 0
    page = client.get(f"/doi-soat/{MONTH}")
    assert page.status_code == 200 and month.statement_sha256 in page.text


def test_form_offers_last_months_closing_and_the_notified_balance(
    client, login_as, pledge, statement, ctx
):
    db.session.add(BankMonth(month="2026-10", opening_balance=1, closing_balance=4_321_000))
    db.session.commit()
    body = sepay_body(pledge.reference, when="2026-11-29 10:00:00")
    body["accumulated"] = 4_521_000
    post_sepay(client, body)
    login_as("treasurer")
    html = client.get(f"/quan-tri/doi-soat/{MONTH}").text
    assert 'value="4.321.000"' in html and 'value="4.521.000"' in html
