"""Matching transfers to pledges: 35 memo shapes, amounts, monthly codes, the review queue."""

from __future__ import annotations

import itertools
import unicodedata
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.ledger import service as ledger
from app.ledger.models import LedgerEntry
from campaigns.models import CampaignStatus
from donations.bank.matching import Incoming, Matcher
from donations.bank.models import BankTransaction, TxStatus
from donations.models import Donation
from donations.pledges.models import PledgeStatus
from donations.pledges.refcode import check_char
from tests.fixtures.donations import FUND_ACCOUNT

BODY = "7K0F1QX"  # has a 0 and a 1, so look-alike letters can be tested
CODE = "TS" + BODY + check_char(BODY)
OTHER_BODY = "9ZZ4M2P"
OTHER = "TS" + OTHER_BODY + check_char(OTHER_BODY)
UNKNOWN = "TS" + "AAAA111" + check_char("AAAA111")
ONE_WRONG = CODE[:5] + ("Z" if CODE[5] != "Z" else "Y") + CODE[6:]
SWAPPED = CODE[:4] + CODE[5] + CODE[4] + CODE[6:]
_ids = itertools.count(1)

# (memo, expected pledge: "mine", "other" or None for the review queue)
MEMOS = [
    (CODE, "mine"),
    (CODE.lower(), "mine"),
    (f"ung ho {CODE}", "mine"),
    (f"{CODE} UNG HO", "mine"),
    (f"MBVCB.4525077405.9P0019630833.{CODE} CT tu 0351000646393 NGUYEN THE HUNG toi QUY", "mine"),
    (f"{CODE} GD 789604-040125 00:05:38", "mine"),
    (f"TS {BODY[:3]} {BODY[3:]} {CODE[-1]}", "mine"),
    (f"TS-{BODY[:4]}-{BODY[4:]}{CODE[-1]}", "mine"),
    (".".join([CODE[:4], CODE[4:7], CODE[7:]]), "mine"),
    (f"ung ho\n{CODE}\ncam on", "mine"),
    (f"Ủng hộ quỹ {CODE} đợt 1", "mine"),
    (CODE[:3].lower() + CODE[3:], "mine"),
    (CODE.replace("0", "O"), "mine"),
    (CODE.replace("1", "I"), "mine"),
    (CODE.replace("1", "L"), "mine"),
    (f"QUY{CODE}", "mine"),
    (f"{CODE}UNGHO", "mine"),
    (f"12{CODE}34", "mine"),
    (f"ung\tho\t{CODE}", "mine"),
    (f"UNG_HO_{CODE}", "mine"),
    (f"({CODE})", "mine"),
    (f"IBFT/{CODE}/UNG HO", "mine"),
    (f"ĐOÀN TN {CODE}", "mine"),
    (unicodedata.normalize("NFD", f"Ủng hộ trường {CODE} Đà Nẵng"), "mine"),
    (f"{CODE}-FT23123456789", "mine"),
    (f"   {CODE}   ", "mine"),
    (f"{CODE} {CODE}", "mine"),
    ("x" * 150 + f" {CODE} " + "y" * 150, "mine"),
    (f"{OTHER} ung ho", "other"),  # someone else's code: the money follows the code
    (ONE_WRONG, None),
    (SWAPPED, None),
    ("", None),
    ("ung ho hoc sinh vung cao", None),
    (f"{UNKNOWN} ung ho", None),
    (f"{CODE} va {OTHER}", None),
    (CODE[:7], None),
]


@pytest.fixture
def pledges(ctx, make_bank_pledge, make_campaign):
    campaign = make_campaign(unit="province")
    mine = make_bank_pledge(campaign, amount=200_000)
    other = make_bank_pledge(campaign, amount=200_000)
    mine.reference, other.reference = CODE, OTHER
    db.session.commit()
    return {"mine": mine, "other": other, "campaign": campaign}


def receive(memo: str, amount: int = 200_000, **kwargs) -> BankTransaction:
    values = {
        "provider": "sepay",
        "provider_id": str(next(_ids)),
        "amount": amount,
        "occurred_at": datetime(2026, 11, 20, 3, 0, tzinfo=UTC),
        "memo": memo,
        "account_number": FUND_ACCOUNT,
        **kwargs,
    }
    tx, _ = Matcher().receive(Incoming(**values))
    db.session.commit()
    return tx


def test_memo_table_covers_every_outcome_without_repeats():
    memos = [memo for memo, _ in MEMOS]
    assert len(set(memos)) == len(memos)  # a repeated shape would only pad the table
    outcomes = {expected for _, expected in MEMOS}
    assert outcomes == {"mine", "other", None}
    assert sum(expected == "mine" for _, expected in MEMOS) >= 25
    assert sum(expected is None for _, expected in MEMOS) >= 5


@pytest.mark.parametrize(("memo", "expected"), MEMOS, ids=[f"memo{i}" for i in range(len(MEMOS))])
def test_memo_shapes(pledges, memo, expected):
    tx = receive(memo)
    if expected is None:
        assert tx.status == TxStatus.review
        assert tx.donation_id is None
        assert tx.note  # the treasurer is told why
        assert ledger.balance("campaign:hoc-bong-thu") == 0
    else:
        assert tx.status == TxStatus.matched
        assert tx.pledge_id == pledges[expected].id
        entry = db.session.get(LedgerEntry, tx.donation.ledger_seq)
        assert (entry.source, entry.destination, entry.amount) == (
            "world",
            "campaign:hoc-bong-thu",
            200_000,
        )
        assert entry.idempotency_key == f"bank:sepay:{tx.provider_id}"
        assert entry.ref == pledges[expected].reference


@pytest.mark.parametrize(
    ("paid", "status"),
    [
        (150_000, PledgeStatus.partial),
        (200_000, PledgeStatus.paid),
        (250_000, PledgeStatus.overpaid),
    ],
)
def test_real_amount_counts(pledges, paid, status):
    receive(CODE, amount=paid)
    pledge = pledges["mine"]
    db.session.refresh(pledge)
    assert (pledge.received, pledge.status) == (paid, status)
    assert ledger.balance("campaign:hoc-bong-thu") == paid


def test_paid_in_two_parts_then_twice(pledges):
    receive(CODE, amount=120_000)
    receive(CODE, amount=80_000)
    pledge = pledges["mine"]
    db.session.refresh(pledge)
    assert (pledge.received, pledge.status) == (200_000, PledgeStatus.paid)
    receive(CODE, amount=200_000)
    db.session.refresh(pledge)
    assert (pledge.received, pledge.status) == (400_000, PledgeStatus.overpaid)
    assert db.session.execute(select(func.count()).select_from(Donation)).scalar_one() == 3


def test_monthly_code_makes_a_donation_each_time(ctx, make_bank_pledge, make_campaign):
    campaign = make_campaign(unit="province")
    pledge = make_bank_pledge(campaign, amount=100_000, monthly=True)
    for _month in range(3):
        receive(f"{pledge.reference} thang", amount=100_000)
    db.session.refresh(pledge)
    assert pledge.received == 300_000 and pledge.status == PledgeStatus.paid
    assert db.session.execute(select(func.count()).select_from(Donation)).scalar_one() == 3


def test_same_transaction_twice_counts_once(pledges):
    first = receive(CODE, provider_id="abc-1")
    second, created = Matcher().receive(
        Incoming(
            provider="sepay",
            provider_id="abc-1",
            amount=200_000,
            memo=CODE,
            occurred_at=first.occurred_at,
            account_number=FUND_ACCOUNT,
        )
    )
    assert not created and second.id == first.id
    assert ledger.balance("campaign:hoc-bong-thu") == 200_000


def test_money_out_and_other_accounts_are_stored_not_counted(pledges):
    out = receive(CODE, direction="out")
    other = receive(CODE, account_number="999888777")
    # Money out is only stored; another account's report waits for a treasurer.
    assert out.status == TxStatus.ignored and other.status == TxStatus.review
    assert "Tiền ra" in out.note and "999888777" in other.note
    assert ledger.balance("campaign:hoc-bong-thu") == 0


def test_pledge_of_closed_campaign_goes_to_review(pledges):
    pledges["campaign"].status = CampaignStatus.closed
    db.session.commit()
    tx = receive(CODE)
    assert tx.status == TxStatus.review and tx.pledge_id == pledges["mine"].id
    assert "đã đóng" in tx.note
    assert ledger.balance("campaign:hoc-bong-thu") == 0


def test_expired_pledge_still_receives(pledges):
    pledge = pledges["mine"]
    pledge.status = PledgeStatus.expired
    db.session.commit()
    receive(CODE)
    db.session.refresh(pledge)
    assert pledge.status == PledgeStatus.paid
