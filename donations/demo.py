"""Demo data: pledges in every state, matched bank transfers, one in review, an in-kind gift.

Idempotent: pledges are looked up by their fixed reference, transfers by provider id, the
in-kind gift by its reference. Every person here is invented.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from app.auth.models import Role, User
from app.extensions import db
from campaigns.models import GENERAL_FUND_SLUG, Campaign, CampaignStatus
from donations import refcode
from donations.in_kind import record_in_kind
from donations.matching import Incoming, Matcher
from donations.models import InKindGift, PaymentMethod, Pledge, PledgeStatus


def _ref(body: str) -> str:
    return refcode.PREFIX + body + refcode.check_char(body)


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
]
REVIEW_MEMO = "ung ho cac em hoc sinh vung cao"


def _campaign() -> Campaign | None:
    rows = db.session.execute(
        select(Campaign).where(Campaign.status == CampaignStatus.published).order_by(Campaign.id)
    ).scalars()
    published = list(rows)
    others = [c for c in published if c.slug != GENERAL_FUND_SLUG]
    return (others or published or [None])[0]


def seed(echo: Callable[[str], None]) -> None:
    """Create the donations demo rows once; flushes, the caller commits."""
    campaign = _campaign()
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
                    occurred_at=base + timedelta(days=i, hours=1 + k * 24 * 30),
                    memo=memo.format(ref=reference, low=reference.lower()),
                    account_number=account,
                    raw={"demo": True},
                )
            )
        if body == "DEM0A05" and pledge.status == PledgeStatus.pending:
            pledge.status = PledgeStatus.expired
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
    _seed_in_kind(echo)
    db.session.flush()
    echo("donations: demo pledges, bank transfers and an in-kind gift ready")


def _seed_in_kind(echo: Callable[[str], None]) -> None:
    if db.session.execute(
        select(InKindGift.id).where(InKindGift.reference == "HV-DEMO001")
    ).first():
        return
    rice = (
        db.session.execute(
            select(Campaign).where(Campaign.slug == "hu-gao-ban-may")
        ).scalar_one_or_none()
        or _campaign()
    )
    user = (
        db.session.execute(select(User).where(User.role == Role.admin).order_by(User.id))
        .scalars()
        .first()
    )
    if rice is None or user is None:
        echo("donations: no campaign or admin, demo in-kind gift skipped")
        return
    record_in_kind(
        user,
        campaign=rice,
        unit_id=rice.unit_id,
        asset="RICE_G",
        quantity=250_000,
        estimated_value=5_000_000,
        received_on=date(2026, 10, 5),
        donor_name="Hợp tác xã Nông nghiệp Demo",
        note="250 kg gạo cho bếp bán trú.",
        reference="HV-DEMO001",
    )
