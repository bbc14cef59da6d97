"""Each unit's store: goods in from gifts and approved purchases, out at hand-overs and
approved stock-take shortages; never below zero, every move with four eyes where it is a
decision, and the stock per unit on the in-kind back office."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.approvals import services as approvals
from app.errors import DomainError, Forbidden
from app.extensions import db
from app.ledger import service as ledger
from app.ledger.models import LedgerEntry
from campaigns.figures import campaign_figures
from donations.corrections import services as corrections
from donations.in_kind import purchases, stock, stocktake
from donations.in_kind.models import StockMovement
from donations.in_kind.services import record_in_kind
from tests.conftest import login

TODAY = date.today()


@pytest.fixture
def people(make_user) -> dict:
    return {
        "manager": make_user("manager", "a"),
        "treasurer": make_user("treasurer"),
        "admin": make_user("admin"),
    }


@pytest.fixture
def rice(ctx, make_campaign, give, units, people):
    """A rice campaign of huyện A with 20 triệu, and 100 kg of rice given to huyện A's store."""
    campaign = make_campaign("hu-gao-thu", unit="a", goals=(("RICE_G", 1_000_000),))
    give(campaign, 20_000_000)
    gift = record_in_kind(
        people["manager"],
        campaign=campaign,
        unit_id=units["a"].id,
        asset="RICE_G",
        quantity=100_000,
        estimated_value=None,
        received_on=TODAY,
        donor_name="HTX Thử",
    )
    db.session.commit()
    return {"campaign": campaign, "gift": gift}


def _level(units, key="a", asset="RICE_G") -> int:
    db.session.expire_all()
    return stock.level(units[key].id, asset)


def _entries() -> int:
    return db.session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one()


def test_an_in_kind_gift_fills_the_receiving_units_store(rice, units):
    assert _level(units) == 100_000
    [move] = db.session.execute(select(StockMovement)).scalars()
    assert (move.kind, move.ref) == ("gift", rice["gift"].reference)
    assert move.ledger_seq == rice["gift"].donation.ledger_seq


def _purchase(people, units, rice, **changes):
    values = {
        "campaign": rice["campaign"],
        "unit_id": units["a"].id,
        "asset": "RICE_G",
        "quantity": 500_000,
        "amount": 9_000_000,
        "supplier": "Cửa hàng gạo Thử",
        "invoice_number": "HD-0001",
        "invoice_date": TODAY,
    }
    return purchases.propose_purchase(people["manager"], **{**values, **changes})


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"supplier": " "}, "supplier"),
        ({"invoice_number": ""}, "invoice_number"),
        ({"invoice_date": None}, "invoice_date"),
        ({"invoice_date": TODAY + timedelta(days=1)}, "invoice_date"),
        ({"quantity": 0}, "quantity"),
        ({"amount": 0}, "amount"),
        ({"amount": -9_000_000}, "amount"),
        ({"asset": "VND"}, "asset"),
    ],
)
def test_a_purchase_without_invoice_data_or_with_bad_amounts_is_refused(
    rice, people, units, changes, field
):
    before = _entries()
    with pytest.raises(DomainError) as refused:
        _purchase(people, units, rice, **changes)
    assert refused.value.field == field
    db.session.rollback()
    assert _entries() == before


def test_a_purchase_above_the_balance_is_refused_with_the_shortfall(rice, people, units):
    with pytest.raises(DomainError, match="thiếu 5.000.000 ₫"):
        _purchase(people, units, rice, amount=25_000_000)


def test_an_approved_purchase_pays_the_supplier_and_fills_the_store(rice, people, units):
    account = rice["campaign"].account
    purchase = _purchase(people, units, rice)
    db.session.commit()
    assert _level(units) == 100_000 and ledger.balance(account) == 20_000_000
    with pytest.raises(Forbidden):
        approvals.approve(people["manager"], purchase.proposal.public_id)
    db.session.rollback()
    approvals.approve(people["treasurer"], purchase.proposal.public_id)
    db.session.commit()
    entries = db.session.execute(
        select(LedgerEntry).where(LedgerEntry.ref == purchase.proposal.public_id)
    ).scalars()
    moves = [(e.source, e.destination, e.asset, e.amount, e.kind) for e in entries]
    assert moves == [
        (account, "expense:mua-gao", "VND", 9_000_000, "purchase"),
        ("expense:mua-gao", "world", "VND", 9_000_000, "purchase"),
        ("world", account, "RICE_G", 500_000, "purchase"),
    ]
    figures = campaign_figures(account)
    assert (
        figures.spent == {"VND": 9_000_000} and figures.gifts == 2
    )  # the two gifts: goods bought are none
    assert _level(units) == 600_000


def _take(people, units, rice, counted, **extra):
    return stocktake.record_stocktake(
        people["manager"],
        unit_id=units["a"].id,
        asset="RICE_G",
        counted=counted,
        counted_on=TODAY,
        **extra,
    )


def test_a_count_that_agrees_proposes_nothing(rice, people, units):
    take = _take(people, units, rice, 100_000)
    db.session.commit()
    assert take.difference == 0 and take.proposal_id is None


def test_a_shortage_is_an_adjustment_approved_by_someone_else(rice, people, units):
    account = rice["campaign"].account
    take = _take(
        people, units, rice, 92_500, campaign=rice["campaign"], reason="Chuột cắn hỏng một bao"
    )
    db.session.commit()
    assert take.book == 100_000 and take.difference == -7_500
    assert _level(units) == 100_000  # nothing moves before the approval
    approvals.approve(people["treasurer"], take.proposal.public_id)
    db.session.commit()
    [entry] = db.session.execute(
        select(LedgerEntry).where(LedgerEntry.kind == "adjustment")
    ).scalars()
    assert (entry.source, entry.destination, entry.amount) == (account, "world", 7_500)
    assert _level(units) == 92_500
    assert ledger.balance(account, "RICE_G") == 92_500


def test_a_surplus_comes_into_the_campaign(rice, people, units):
    take = _take(people, units, rice, 103_000, campaign=rice["campaign"], reason="Cân lại cả kho")
    approvals.approve(people["treasurer"], take.proposal.public_id)
    db.session.commit()
    assert _level(units) == 103_000
    assert ledger.balance(rice["campaign"].account, "RICE_G") == 103_000


def test_a_stock_take_that_would_make_stock_negative_is_refused(rice, people, units, make_campaign):
    with pytest.raises(DomainError, match="không thể âm"):
        _take(people, units, rice, -1, campaign=rice["campaign"], reason="Đếm sai nhiều lần")
    db.session.rollback()
    # A campaign that owns less of the goods than the shortage: refused with what is missing.
    other = make_campaign("gao-khac", unit="a")
    with pytest.raises(DomainError, match="thiếu 60 kg gạo"):
        _take(people, units, rice, 40_000, campaign=other, reason="Thiếu hàng khi kiểm kê")
    db.session.rollback()
    with pytest.raises(DomainError, match="chọn chiến dịch"):
        _take(people, units, rice, 40_000, reason="Thiếu hàng khi kiểm kê")
    db.session.rollback()
    with pytest.raises(DomainError, match="lý do"):
        _take(people, units, rice, 40_000, campaign=rice["campaign"])
    db.session.rollback()
    # The store emptied between the count and the approval: refused, nothing posted.
    take = _take(people, units, rice, 40_000, campaign=rice["campaign"], reason="Thiếu 60 kg gạo")
    db.session.commit()
    stock.move(units["a"].id, "RICE_G", -70_000, kind="handover", key="test:trao")
    db.session.commit()
    before = _entries()
    with pytest.raises(DomainError, match="Kho của Huyện Đoàn A không đủ"):
        approvals.approve(people["treasurer"], take.proposal.public_id)
    db.session.rollback()
    assert _entries() == before and _level(units) == 30_000


def test_a_store_never_goes_below_zero_and_a_key_moves_once(rice, units):
    with pytest.raises(DomainError, match="còn 100 kg gạo, cần 101 kg gạo, thiếu 1 kg gạo"):
        stock.move(units["a"].id, "RICE_G", -101_000, kind="handover", key="test:qua")
    db.session.rollback()
    for _ in range(2):
        stock.move(units["a"].id, "RICE_G", -1_000, kind="handover", key="test:mot-lan")
    db.session.commit()
    assert _level(units) == 99_000


def test_a_hand_over_draws_from_the_nearest_store_that_holds_enough(rice, units):
    stock.move(units["province"].id, "RICE_G", 500_000, kind="gift", key="test:tinh")
    move = stock.draw(units["school"].id, "RICE_G", 150_000, key="test:xa")
    assert move.unit_id == units["province"].id  # the school and huyện A hold too little
    move = stock.draw(units["school"].id, "RICE_G", 50_000, key="test:gan")
    assert move.unit_id == units["a"].id
    with pytest.raises(DomainError, match="Kho của Đoàn trường A không đủ"):
        stock.draw(units["school"].id, "BICYCLE", 1, key="test:xe")


def test_reversing_a_gift_whose_goods_were_handed_out_is_refused(rice, people, units):
    stock.move(units["a"].id, "RICE_G", -95_000, kind="handover", key="test:da-trao")
    db.session.commit()
    seq = rice["gift"].donation.ledger_seq
    proposal = corrections.propose_reversal(people["treasurer"], seq, "Ghi nhận hai lần").proposal
    db.session.commit()
    before = _entries()
    with pytest.raises(DomainError, match="còn 5 kg gạo, cần 100 kg gạo"):
        approvals.approve(people["admin"], proposal.public_id)
    db.session.rollback()
    assert _entries() == before


def test_reversing_a_gift_takes_its_goods_out_of_the_store(rice, people, units):
    seq = rice["gift"].donation.ledger_seq
    proposal = corrections.propose_reversal(people["treasurer"], seq, "Ghi nhận hai lần").proposal
    approvals.approve(people["admin"], proposal.public_id)
    db.session.commit()
    assert _level(units) == 0


def test_the_in_kind_back_office_shows_stock_per_unit(app, client, rice, people, units, make_user):
    login(client, people["manager"])
    listing = client.get("/quan-tri/ung-ho/hien-vat").get_data(as_text=True)
    assert "Tồn kho theo đơn vị" in listing and "Huyện Đoàn A" in listing and "100 kg" in listing
    book = client.get("/quan-tri/ung-ho/hien-vat/kho").get_data(as_text=True)
    assert "Nhận hiện vật" in book and "+" in book
    refused = client.post(
        "/quan-tri/ung-ho/hien-vat/kiem-ke",
        data={
            "unit_id": units["a"].id,
            "asset": "RICE_G",
            "counted": "90",
            "counted_on": TODAY.isoformat(),
            "campaign_id": "",
            "reason": "",
        },
    )
    assert refused.status_code == 422 and "chọn chiến dịch" in refused.get_data(as_text=True)
    sent = client.post(
        "/quan-tri/ung-ho/hien-vat/kiem-ke",
        data={
            "unit_id": units["a"].id,
            "asset": "RICE_G",
            "counted": "90",
            "counted_on": TODAY.isoformat(),
            "campaign_id": rice["campaign"].id,
            "reason": "Hao hụt khi chuyển kho",
        },
    )
    assert sent.status_code == 302 and "/quan-tri/de-xuat/DX-" in sent.headers["Location"]
    zero = client.post(
        "/quan-tri/ung-ho/hien-vat/kiem-ke",
        data={
            "unit_id": units["b"].id,
            "asset": "BICYCLE",
            "counted": "0",
            "counted_on": TODAY.isoformat(),
        },
    )
    assert zero.status_code == 422  # huyện B is not among this manager's units
    agrees = client.post(
        "/quan-tri/ung-ho/hien-vat/kiem-ke",
        data={
            "unit_id": units["a"].id,
            "asset": "BICYCLE",
            "counted": "0",
            "counted_on": TODAY.isoformat(),
        },
        follow_redirects=True,
    )
    assert "số đếm khớp với sổ kho" in agrees.get_data(as_text=True)
    bought = client.post(
        "/quan-tri/ung-ho/hien-vat/mua",
        data={
            "campaign_id": rice["campaign"].id,
            "unit_id": units["a"].id,
            "asset": "RICE_G",
            "quantity": "500",
            "amount": "9tr",
            "supplier": "",
            "invoice_number": "HD-1",
            "invoice_date": TODAY.isoformat(),
        },
    )
    assert bought.status_code == 422 and "nhà cung cấp" in bought.get_data(as_text=True)
    auditor = app.test_client()
    login(auditor, make_user("auditor"))
    assert auditor.get("/quan-tri/ung-ho/hien-vat/kho").status_code == 200
    assert auditor.get("/quan-tri/ung-ho/hien-vat/mua").status_code == 403


def test_empty_stores_say_so(client, login_as):
    login_as("treasurer")
    page = client.get("/quan-tri/ung-ho/hien-vat/kho").get_data(as_text=True)
    assert "Chưa đơn vị nào có hàng trong kho" in page and "Chưa có hàng nhập hay xuất" in page
