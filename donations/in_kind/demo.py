"""Demo data: an in-kind gift of rice, and rice bought with the campaign's money (proposed by the
treasurer, approved by an admin), both in the store of Huyện Đoàn Bản Mây.

Idempotent: the gift is looked up by its reference, the purchase by its invoice number. The
donor and the supplier are invented.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import select

from app.approvals import services as approvals
from app.auth.models import Role, User
from app.extensions import db
from campaigns.models import Campaign
from donations.in_kind import purchases
from donations.in_kind.models import InKindGift, StockPurchase
from donations.in_kind.services import record_in_kind
from donations.pledges.demo import demo_campaign

INVOICE = "HD-0004521"


def _user(email: str) -> User | None:
    return db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()


def seed(echo: Callable[[str], None]) -> None:
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
    if not db.session.execute(
        select(InKindGift.id).where(InKindGift.reference == "HV-DEMO001")
    ).first():
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
    _purchase(rice, echo)


def _purchase(rice: Campaign, echo: Callable[[str], None]) -> None:
    """500 kg of rice bought from the campaign's money, with its invoice, approved."""
    if db.session.execute(
        select(StockPurchase.id).where(StockPurchase.invoice_number == INVOICE)
    ).first():
        return
    treasurer, admin = _user("thuquy@demo.thapsang.vn"), _user("admin@demo.thapsang.vn")
    if treasurer is None or admin is None:
        echo("donations: demo users missing, demo rice purchase skipped")
        return
    purchase = purchases.propose_purchase(
        treasurer,
        campaign=rice,
        unit_id=rice.unit_id,
        asset="RICE_G",
        quantity=500_000,
        amount=9_000_000,
        supplier="Cửa hàng lương thực Demo Bản Mây",
        invoice_number=INVOICE,
        invoice_date=date(2026, 10, 12),
        reason="Gạo cho bếp bán trú học kỳ I (18.000 ₫/kg, báo giá của ba cửa hàng).",
    )
    approvals.approve(admin, purchase.proposal.public_id, "Đã xem hoá đơn và báo giá.")
    db.session.flush()
    echo(f"donations: 500 kg rice bought ({purchase.proposal.public_id}) into the store")
