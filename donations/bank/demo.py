"""Demo data: pledges in every state, matched bank transfers, one in review, an in-kind gift.

Idempotent: pledges are looked up by their fixed reference, transfers by provider id, the
in-kind gift by its reference. Every person here is invented.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from donations.bank.matching import Incoming, Matcher
from donations.pledges.demo import demo_campaign
from donations.pledges.models import PLEDGE_TRANSITIONS, PaymentMethod, Pledge, PledgeStatus
from donations.pledges.refcode import PREFIX, check_char


def _ref(body: str) -> str:
    return PREFIX + body + check_char(body)


# body, amount, donor, anonymous, monthly, business (company, tax code), transfers [(amount, memo)]
PLEDGES = [
    ("DEM0A01", 200_000, "Chị Hoa (Đà Nẵng)", False, False, None, []),
    ("DEM0A02", 500_000, "Anh Minh", False, False, None, [(500_000, "{ref} ung ho")]),
    ("DEM0A03", 1_000_000, "", True, False, None, [(400_000, "MBVCB.1234.{ref} CT tu 0123")]),
    ("DEM0A04", 300_000, "Nhóm bạn lớp 12A", False, False, None, [(350_000, "{low} ung ho hs")]),
    ("DEM0A05", 100_000, "Bạn Khoa", False, False, None, []),
    (
        "DEM0A06",
        200_000,
        "Cô giáo Thu",
        False,
        True,
        None,
        [(200_000, "{ref} thang 10"), (200_000, "{ref} thang 11")],
    ),
    (
        "DEM0A07",
        5_000_000,
        "Công ty TNHH Sao Mai Demo",
        False,
        False,
        ("Công ty TNHH Sao Mai Demo", "0109998887"),
        [(5_000_000, "CTY SAO MAI {ref}")],
    ),
    # Paid twice (the banking app's "repeat transfer"): waits in the overpayment queue.
    (
        "DEM0A08",
        250_000,
        "Chị Mai (Hải Phòng)",
        False,
        False,
        None,
        [(250_000, "{ref} ung ho"), (250_000, "{ref} ung ho")],
    ),
]
REVIEW_MEMO = "ung ho cac em hoc sinh vung cao"


def seed(echo: Callable[[str], None]) -> None:
    """Create the donations demo rows once; flushes, the caller commits."""
    campaign = demo_campaign()
    if campaign is None:
        echo("donations: no published campaign, demo pledges skipped")
        return
    base = datetime(2026, 10, 1, 3, 0, tzinfo=UTC)
    matcher = Matcher()
    account = matcher.account
    for i, (body, amount, donor, anonymous, monthly, business, transfers) in enumerate(PLEDGES):
        reference = _ref(body)
        pledge = db.session.execute(
            select(Pledge).where(Pledge.reference == reference)
        ).scalar_one_or_none()
        if pledge is None:
            created = base + timedelta(days=i)
            pledge = Pledge(
                reference=reference,
                campaign_id=campaign.id,
                amount=amount,
                method=PaymentMethod.bank,
                monthly=monthly,
                status=PledgeStatus.pending,
                received=0,
                donor_name=donor,
                anonymous=anonymous,
                show_on_wall=not anonymous,
                email=f"demo{i + 1}@nhahaotam.example",
                is_business=business is not None,
                company_name=business[0] if business else "",
                tax_code=business[1] if business else "",
                company_address="Số 1 Đường Demo, Sơn Hà" if business else "",
                created_at=created,
                # DEM0A05 expired long ago with nothing received; DEM0A01 stays open.
                expires_at=None
                if monthly
                else (
                    datetime(2027, 12, 31, tzinfo=UTC)
                    if body == "DEM0A01"
                    else created + timedelta(days=7)
                ),
            )
            db.session.add(pledge)
            db.session.flush()
        for k, (paid, memo) in enumerate(transfers):
            matcher.receive(
                Incoming(
                    provider="sepay",
                    provider_id=f"demo-{body}-{k}",
                    amount=paid,
                    occurred_at=base + timedelta(days=i, hours=1 + k * (24 * 30 if monthly else 2)),
                    memo=memo.format(ref=reference, low=reference.lower()),
                    account_number=account,
                    raw={"demo": True},
                )
            )
        if body == "DEM0A05" and pledge.status == PledgeStatus.pending:
            PLEDGE_TRANSITIONS.move(pledge, PledgeStatus.expired)
    matcher.receive(
        Incoming(
            provider="sepay",
            provider_id="demo-review-1",
            amount=250_000,
            occurred_at=base + timedelta(days=10),
            memo=REVIEW_MEMO,
            account_number=account,
            raw={"demo": True},
        )
    )
    db.session.flush()
    echo("donations: demo pledges and bank transfers ready")
