"""Purchases and works: proposed with an invoice, approved by someone else, then posted."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from app import private_files, uow
from app.approvals import services as approvals
from app.approvals.models import Proposal, ProposalStatus
from app.audit.models import AuditEntry
from app.errors import Conflict, DomainError, Forbidden
from app.extensions import db
from app.ledger import service as ledger
from app.ledger.models import LedgerEntry
from campaigns import figures
from campaigns import services as campaign_services
from campaigns.models import BudgetLine
from campaigns.spending import services as spending
from campaigns.spending.models import Expense
from tests.fixtures.campaigns import jpeg_bytes


def gps_jpeg() -> bytes:
    """A phone photo of an invoice, with the GPS position of where it was taken."""
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    exif[0x8825] = {1: "N", 2: (21.0, 2.0, 3.0), 3: "E", 4: (105.0, 50.0, 1.0)}
    return jpeg_bytes((300, 400), exif=exif)


@pytest.fixture
def boarding(make_campaign, give):
    """A boarding-house campaign of huyện A with 20 triệu and two budget lines (committed)."""
    campaign = make_campaign(
        "nha-ban-tru-thu", kind="boarding_house", goals=(("VND", 100_000_000),)
    )
    campaign.budget_lines = [
        BudgetLine(label="Móng và khung nhà", amount=10_000_000),
        BudgetLine(label="Giường tầng", amount=8_000_000),
    ]
    db.session.commit()
    give(campaign, 20_000_000)
    return campaign


@pytest.fixture
def people(make_user):
    return {"manager": make_user("manager", "a"), "treasurer": make_user("treasurer")}


def propose(user, campaign, **overrides):
    values = {
        "kind": "purchase",
        "description": "Mua 2 tấn gạo",
        "supplier": "Công ty X",
        "invoice_number": "0001234",
        "invoice_date": date(2026, 10, 1),
        "amount": 3_000_000,
        "invoice": gps_jpeg(),
        "invoice_name": "hoa-don.jpg",
        **overrides,
    }
    expense = spending.propose_expense(user, campaign, **values)
    uow.commit()  # the invoice is written after the commit
    return expense


def invoice_files() -> set:
    folder = private_files.root() / spending.INVOICE_FOLDER
    return set(folder.iterdir()) if folder.exists() else set()


def entries() -> list[LedgerEntry]:
    return list(db.session.execute(select(LedgerEntry).order_by(LedgerEntry.seq)).scalars())


def counts() -> tuple[int, int, int]:
    return tuple(
        db.session.execute(select(func.count()).select_from(m)).scalar_one()
        for m in (Proposal, Expense, LedgerEntry)
    )


def test_a_purchase_moves_money_only_when_someone_else_approves(boarding, people):
    line = boarding.budget_lines[0]
    expense = propose(people["manager"], boarding, budget_line_id=line.id)
    public_id = expense.proposal.public_id
    assert ledger.balance(boarding.account) == 20_000_000  # proposing moves nothing
    approvals.approve(people["treasurer"], public_id, "Đủ hoá đơn")
    uow.commit()
    assert ledger.balance(boarding.account) == 17_000_000
    paid, out = entries()[-2:]
    assert (paid.source, paid.destination, paid.kind) == (
        boarding.account,
        "expense:nha-ban-tru-thu",
        "purchase",
    )
    assert (out.source, out.destination, out.kind) == (
        "expense:nha-ban-tru-thu",
        "world",
        "expense",
    )
    assert paid.amount == out.amount == 3_000_000
    assert paid.ref == out.ref == public_id
    assert paid.label == "Mua 2 tấn gạo – HĐ 0001234 – Công ty X" == out.label
    assert ledger.balance("expense:nha-ban-tru-thu") == 0
    numbers = figures.figures_for([boarding.account])[boarding.account]
    assert numbers.get("spent") == 3_000_000 and numbers.get("balance") == 17_000_000
    assert db.session.get(Proposal, expense.proposal_id).ledger_seqs == [paid.seq, out.seq]


def test_the_invoice_is_private_and_its_photo_loses_the_gps_position(boarding, people):
    expense = propose(people["manager"], boarding)
    path = private_files.absolute(expense.invoice_path)
    assert path.is_file() and expense.invoice_path.startswith("invoices/")
    data = path.read_bytes()
    assert b"CameraMaker" not in data
    assert dict(Image.open(io.BytesIO(data)).getexif()) == {}
    assert expense.public_copy_path is None


@pytest.mark.parametrize(
    ("missing", "field", "message"),
    [
        ({"supplier": "  "}, "supplier", "nhà cung cấp"),
        ({"invoice_number": ""}, "invoice_number", "số hoá đơn"),
        ({"invoice_date": None}, "invoice_date", "ngày hoá đơn"),
        ({"invoice": None}, "invoice", "hoá đơn"),
        ({"description": ""}, "description", "nội dung chi"),
        ({"kind": "quà"}, "kind", "loại khoản chi"),
    ],
)
def test_an_expense_without_invoice_data_is_refused(boarding, people, missing, field, message):
    before, files = counts(), invoice_files()
    with pytest.raises(DomainError) as err:
        propose(people["manager"], boarding, **missing)
    db.session.rollback()
    assert err.value.field == field and message in str(err.value.message).lower()
    assert counts() == before  # no proposal, no expense, no entry
    assert invoice_files() == files  # and no file


@pytest.mark.parametrize("amount", [0, -1_000, True])
def test_amounts_that_are_not_positive_are_refused(boarding, people, amount):
    before = counts()
    with pytest.raises(DomainError):
        propose(people["manager"], boarding, amount=amount)
    db.session.rollback()
    assert counts() == before


def test_an_amount_above_the_balance_is_refused_with_the_shortfall(boarding, people):
    before = counts()
    with pytest.raises(DomainError) as err:
        propose(people["manager"], boarding, amount=25_000_000)
    db.session.rollback()
    assert "thiếu 5.000.000 ₫" in str(err.value.message)
    assert counts() == before


def test_the_balance_is_checked_again_when_approving(boarding, people):
    first = propose(people["manager"], boarding, amount=12_000_000)
    second = propose(people["manager"], boarding, amount=12_000_000, invoice_number="0001235")
    approvals.approve(people["treasurer"], first.proposal.public_id)
    uow.commit()
    with pytest.raises(DomainError) as err:
        approvals.approve(people["treasurer"], second.proposal.public_id)
    db.session.rollback()
    assert "còn 8.000.000 ₫, cần 12.000.000 ₫, thiếu 4.000.000 ₫" in str(err.value.message)
    assert ledger.balance(boarding.account) == 8_000_000
    assert db.session.get(Proposal, second.proposal_id).status == ProposalStatus.proposed


def test_the_proposer_cannot_approve_their_own_expense(boarding, people):
    expense = propose(people["treasurer"], boarding)
    with pytest.raises(Forbidden, match="tự duyệt"):
        approvals.approve(people["treasurer"], expense.proposal.public_id)
    db.session.rollback()
    assert ledger.balance(boarding.account) == 20_000_000


def test_the_same_invoice_is_paid_once(boarding, people):
    first = propose(people["manager"], boarding, supplier="Công ty Đông Á")
    with pytest.raises(DomainError, match="chỉ được chi một lần") as err:
        propose(people["manager"], boarding, supplier="CÔNG TY  ĐÔNG Á", invoice_number="0001234")
    db.session.rollback()
    assert err.value.field == "invoice_number" and first.proposal.public_id in str(
        err.value.message
    )
    approvals.refuse(people["treasurer"], first.proposal.public_id, "Sai số tiền")
    uow.commit()
    again = propose(people["manager"], boarding, supplier="Công ty Đông Á")  # after a refusal
    assert again.proposal.status == ProposalStatus.proposed


def test_an_invoice_dated_tomorrow_is_refused(boarding, people):
    with pytest.raises(DomainError, match="sau hôm nay"):
        propose(people["manager"], boarding, invoice_date=date.today() + timedelta(days=2))


def test_a_budget_line_of_another_campaign_is_refused(boarding, people, make_campaign):
    other = make_campaign("khac", kind="boarding_house")
    other.budget_lines = [BudgetLine(label="Mái", amount=1_000_000)]
    db.session.commit()
    with pytest.raises(DomainError) as err:
        propose(people["manager"], boarding, budget_line_id=other.budget_lines[0].id)
    assert err.value.field == "budget_line_id"


def test_a_file_that_is_neither_image_nor_pdf_is_refused_on_its_field(boarding, people):
    with pytest.raises(DomainError) as err:
        propose(people["manager"], boarding, invoice=b"not an image", invoice_name="x.jpg")
    assert err.value.field == "invoice"
    with pytest.raises(DomainError) as err:
        propose(people["manager"], boarding, public_copy=b"garbage", public_copy_name="c.png")
    assert err.value.field == "public_copy"


def test_only_proposers_of_the_campaigns_unit_may_propose(boarding, make_user):
    for user in (make_user("field", "a"), make_user("auditor"), make_user("manager", "b")):
        with pytest.raises(Forbidden):
            propose(user, boarding)
        db.session.rollback()


def test_budget_vs_spent_counts_approved_ledger_entries_only(boarding, people):
    beds = boarding.budget_lines[1]
    done = propose(people["manager"], boarding, budget_line_id=beds.id, amount=5_000_000)
    waiting = propose(
        people["manager"], boarding, budget_line_id=beds.id, amount=4_000_000, invoice_number="2"
    )
    loose = propose(people["manager"], boarding, amount=1_000_000, invoice_number="3")
    approvals.approve(people["treasurer"], done.proposal.public_id)
    approvals.approve(people["treasurer"], loose.proposal.public_id)
    uow.commit()
    lines, unbudgeted = spending.budget_progress(boarding)
    assert [(x.label, x.budget, x.spent) for x in lines] == [
        ("Móng và khung nhà", 10_000_000, 0),
        ("Giường tầng", 8_000_000, 5_000_000),
    ]
    assert unbudgeted == 1_000_000 and lines[1].percent == 62
    # A correction reversing the payment (both entries, last first) takes it off the line.
    out, paid = (
        next(e for e in entries() if e.ref == done.proposal.public_id and e.kind == kind)
        for kind in ("expense", "purchase")
    )
    ledger.reverse(out, idempotency_key="test:reverse-bed-out")
    ledger.reverse(paid, idempotency_key="test:reverse-bed-in")
    db.session.commit()
    assert spending.budget_progress(boarding)[0][1].spent == 0
    assert waiting.proposal.status == ProposalStatus.proposed


def test_a_budget_line_with_expenses_cannot_be_deleted(boarding, people, make_user):
    line = boarding.budget_lines[0]
    propose(people["manager"], boarding, budget_line_id=line.id)
    with pytest.raises(Conflict, match="không xoá được"):
        campaign_services.remove_budget_line(make_user("admin"), boarding, line.id)
    db.session.rollback()
    assert db.session.get(BudgetLine, line.id) is not None


def test_every_step_is_audited(boarding, people):
    expense = propose(people["manager"], boarding)
    approvals.approve(people["treasurer"], expense.proposal.public_id)
    uow.commit()
    actions = db.session.execute(select(AuditEntry.action, AuditEntry.actor_id)).all()
    assert ("expense.propose", people["manager"].id) in actions
    assert ("proposal.create", people["manager"].id) in actions
    assert ("proposal.approve", people["treasurer"].id) in actions
    summary = db.session.execute(
        select(AuditEntry.summary).where(AuditEntry.action == "expense.propose")
    ).scalar_one()
    assert "3.000.000 ₫" in summary and "Công ty X" in summary and "0001234" in summary


def test_approving_twice_posts_once(boarding, people, make_user):
    expense = propose(people["manager"], boarding)
    approvals.approve(people["treasurer"], expense.proposal.public_id)
    uow.commit()
    with pytest.raises(DomainError, match="đã được xử lý"):
        approvals.approve(make_user("admin"), expense.proposal.public_id)
    db.session.rollback()
    assert ledger.balance(boarding.account) == 17_000_000
    assert len([e for e in entries() if e.ref == expense.proposal.public_id]) == 2
