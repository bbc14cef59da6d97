"""In-kind gifts: goods a unit received, posted to the ledger in their own asset and put in the
unit's store."""

from __future__ import annotations

import re
import secrets
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _
from sqlalchemy import select

from app.audit import service as audit
from app.auth.guards import require_role, require_unit
from app.dbtypes import VN_TZ
from app.errors import DomainError
from app.extensions import db
from app.ledger.models import Asset
from campaigns.models import Campaign
from donations.in_kind import stock
from donations.in_kind.models import InKindGift
from donations.pledges.refcode import ALPHABET
from donations.recording import record_donation

RECORDERS = ("admin", "manager", "treasurer")
MAX_QUANTITY = 10**12
_DECIMAL_RE = re.compile(r"^(\d{1,12})(?:[.,](\d{1,3}))?$")


def goods_assets() -> list[Asset]:
    """Every asset but đồng, for the form."""
    return list(
        db.session.execute(select(Asset).where(Asset.code != "VND").order_by(Asset.name)).scalars()
    )


def parse_quantity(text: str, asset: str) -> int:
    """Quantity in the asset's base unit; rice is typed in kg (up to 3 decimals → grams)."""
    raw = (text or "").strip().replace(" ", "")
    if asset == "RICE_G":
        # "1.500" would be ambiguous (1,5 kg or 1500 kg?): only a comma or dot with 1-3 digits
        # after it is read as decimals, so "12,5" is 12,5 kg.
        match = _DECIMAL_RE.match(raw)
        if not match:
            raise DomainError(_("Nhập số kg gạo, ví dụ 250 hoặc 12,5."), field="quantity")
        whole, frac = match[1], (match[2] or "").ljust(3, "0")
        value = int(whole) * 1000 + int(frac or 0)
    else:
        if not raw.isdigit():
            raise DomainError(_("Số lượng phải là số nguyên dương."), field="quantity")
        value = int(raw)
    if value <= 0:
        raise DomainError(_("Số lượng phải lớn hơn 0."), field="quantity")
    if value > MAX_QUANTITY:
        raise DomainError(_("Số lượng quá lớn."), field="quantity")
    return value


def _reference() -> str:
    while True:
        code = "HV-" + "".join(secrets.choice(ALPHABET) for _ in range(7))
        if (
            db.session.execute(select(InKindGift.id).where(InKindGift.reference == code)).first()
            is None
        ):
            return code


def record_in_kind(
    user,
    *,
    campaign: Campaign,
    unit_id: int,
    asset: str,
    quantity: int,
    estimated_value: int | None,
    received_on: date,
    donor_name: str = "",
    anonymous: bool = False,
    note: str = "",
    reference: str | None = None,
) -> InKindGift:
    """Record goods received by a unit and post `world → campaign` in the goods' asset."""
    require_role(user, RECORDERS)
    require_unit(user, unit_id)
    if campaign is None:
        raise DomainError(_("Vui lòng chọn chiến dịch."), field="campaign_id")
    asset_row = db.session.get(Asset, asset)
    if asset_row is None or asset == "VND":
        raise DomainError(_("Vui lòng chọn loại hiện vật."), field="asset")
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
        raise DomainError(_("Số lượng phải lớn hơn 0."), field="quantity")
    if estimated_value is None:
        estimated_value = quantity * (asset_row.unit_value or 0)
    if estimated_value < 0:
        raise DomainError(_("Giá trị ước tính không được âm."), field="estimated_value")
    if received_on > date.today():
        raise DomainError(_("Ngày nhận không được ở tương lai."), field="received_on")
    donor_name = " ".join((donor_name or "").split())[:160]
    if not donor_name and not anonymous:
        raise DomainError(
            _("Vui lòng nhập tên nhà hảo tâm, hoặc chọn ẩn danh."), field="donor_name"
        )
    gift = InKindGift(
        reference=reference or _reference(),
        campaign_id=campaign.id,
        campaign=campaign,
        unit_id=unit_id,
        asset=asset,
        quantity=quantity,
        estimated_value=estimated_value,
        donor_name=donor_name,
        anonymous=anonymous,
        note=(note or "").strip()[:2000],
        received_on=received_on,
        recorded_by_id=user.id,
    )
    db.session.add(gift)
    db.session.flush()
    donation, _created = record_donation(
        campaign=campaign,
        amount=quantity,
        asset=asset,
        provider="in_kind",
        provider_ref=gift.reference,
        idempotency_key=f"inkind:{gift.reference}",
        label="" if anonymous else donor_name,
        received_at=datetime.combine(received_on, time(8, 0), VN_TZ),
    )
    gift.donation = donation
    stock.move(
        unit_id,
        asset,
        quantity,
        kind="gift",
        key=f"gift:{gift.reference}",
        ref=gift.reference,
        ledger_seq=donation.ledger_seq,
        at=donation.received_at,
    )
    db.session.flush()
    audit.record(
        user,
        "in_kind.record",
        gift,
        _(
            "Nhận hiện vật %(ref)s: %(quantity)s %(asset)s cho %(account)s",
            ref=gift.reference,
            quantity=quantity,
            asset=asset,
            account=campaign.account,
        ),
        {
            "asset": [None, asset],
            "quantity": [None, quantity],
            "estimated_value": [None, estimated_value],
            "campaign": [None, campaign.slug],
        },
    )
    return gift
