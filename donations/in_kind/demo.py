"""Demo data: an in-kind gift of rice (the donor is invented)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import select

from app.auth.models import Role, User
from app.extensions import db
from campaigns.models import Campaign
from donations.in_kind.models import InKindGift
from donations.in_kind.services import record_in_kind
from donations.pledges.demo import demo_campaign


def seed(echo: Callable[[str], None]) -> None:
    if db.session.execute(
        select(InKindGift.id).where(InKindGift.reference == "HV-DEMO001")
    ).first():
        return
    rice = (
        db.session.execute(
            select(Campaign).where(Campaign.slug == "hu-gao-ban-may")
        ).scalar_one_or_none()
        or demo_campaign()
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
