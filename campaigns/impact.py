"""What a gift buys: a campaign's impact tiers ("1.000.000 ₫ = học bổng một tháng").

Đồng tiers are the donate form's preset amounts, with their label; every tier (đồng, kg of
rice, bicycles) is listed on the campaign page.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import CheckConstraint, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from app.audit.service import record
from app.auth.models import User
from app.dbtypes import Money
from app.errors import DomainError, NotFound
from app.extensions import Model, db
from campaigns import cache
from campaigns.forms import ASSET_CHOICES
from campaigns.models import Campaign
from campaigns.services import check_editor

MAX_TIERS = 6
LABEL_MAX = 120


class ImpactTier(Model):
    """An amount of one asset and what it pays for."""

    __tablename__ = "campaign_impact_tiers"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    asset: Mapped[str] = mapped_column(ForeignKey("assets.code"), default="VND")
    amount: Mapped[int] = mapped_column(Money)
    label: Mapped[str] = mapped_column(String(LABEL_MAX))


def tiers_of(campaign: Campaign) -> list[ImpactTier]:
    """The campaign's tiers: đồng first, smallest first."""
    rows = db.session.execute(
        select(ImpactTier).where(ImpactTier.campaign_id == campaign.id)
    ).scalars()
    return sorted(rows, key=lambda t: (t.asset != "VND", t.asset, t.amount))


def money_tiers(campaign: Campaign) -> list[ImpactTier]:
    """The đồng tiers, the donate form's presets."""
    return [t for t in tiers_of(campaign) if t.asset == "VND"]


def add_tier(user: User, campaign: Campaign, asset: str, amount: int, label: str) -> ImpactTier:
    """A new tier; flushes."""
    check_editor(user, campaign)
    label = " ".join((label or "").split())
    if not label:
        raise DomainError(_l("Vui lòng ghi khoản này giúp được gì."), field="label")
    if len(label) > LABEL_MAX:
        raise DomainError(_l("Mô tả tối đa %(n)s ký tự.", n=LABEL_MAX), field="label")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise DomainError(_l("Số lượng phải lớn hơn 0."), field="amount")
    existing = tiers_of(campaign)
    if len(existing) >= MAX_TIERS:
        raise DomainError(_l("Mỗi chiến dịch có tối đa %(n)s mức.", n=MAX_TIERS))
    if any(t.asset == asset and t.amount == amount for t in existing):
        raise DomainError(_l("Đã có một mức với số lượng này."), field="amount")
    tier = ImpactTier(campaign_id=campaign.id, asset=asset, amount=amount, label=label)
    db.session.add(tier)
    db.session.flush()
    record(
        user,
        "campaign.tier_add",
        campaign,
        _l("Thêm mức ủng hộ %(amount)s %(asset)s", amount=amount, asset=asset),
        {"tier": [None, {"asset": asset, "amount": amount, "label": label}]},
    )
    cache.clear_after_commit()
    return tier


def remove_tier(user: User, campaign: Campaign, tier_id: int) -> None:
    """Delete one of the campaign's tiers; flushes."""
    check_editor(user, campaign)
    tier = db.session.get(ImpactTier, tier_id)
    if tier is None or tier.campaign_id != campaign.id:
        raise NotFound(_l("Không tìm thấy mức ủng hộ."))
    db.session.delete(tier)
    db.session.flush()
    record(
        user,
        "campaign.tier_remove",
        campaign,
        _l("Xoá mức ủng hộ %(amount)s %(asset)s", amount=tier.amount, asset=tier.asset),
        {"tier": [{"asset": tier.asset, "amount": tier.amount, "label": tier.label}, None]},
    )
    cache.clear_after_commit()


class TierForm(FlaskForm):
    """A tier: how much of what, and what it pays for."""

    asset = SelectField(_l("Tính bằng"), choices=ASSET_CHOICES)
    amount = StringField(_l("Số lượng"), validators=[DataRequired(_l("Vui lòng nhập số lượng."))])
    label = StringField(
        _l("Giúp được gì"),
        validators=[DataRequired(_l("Vui lòng ghi khoản này giúp được gì.")), Length(max=120)],
    )
