"""The demo's art programme that raises funds as a campaign of its own (kind "event"): a page,
a goal and ticket-less gifts (entry was free; people gave by the QR on the stage)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from app.extensions import db
from app.units.models import Unit
from campaigns.demo import cover_image
from campaigns.images import store_image
from campaigns.models import Campaign, CampaignGoal, CampaignKind, CampaignStatus, CampaignUpdate
from donations.recording import record_donation

SLUG = "dem-nhac-thap-sang-uoc-mo-2026"
TITLE = "Đêm nhạc Thắp sáng ước mơ 2026"
STORY = (
    "Đêm nhạc do đoàn viên, thầy cô và các nhóm văn nghệ huyện Bản Mây biểu diễn tại Nhà văn "
    "hoá huyện. **Vào cửa tự do, không bán vé**: khán giả ủng hộ bằng mã QR trên sân khấu hoặc "
    "ngay tại trang này.\n\nToàn bộ số tiền được ghi vào sổ cái công khai và dùng cho học bổng "
    "của học sinh có nguy cơ bỏ học trong huyện.\n"
)
# (day, amount, public label): invented donors; "" is an anonymous gift.
GIFTS = [
    (date(2026, 11, 20), 500_000, "Khán giả đêm nhạc"),
    (date(2026, 11, 20), 2_000_000, "Nhóm nhạc Mây Trắng"),
    (date(2026, 11, 20), 200_000, ""),
    (date(2026, 11, 21), 1_000_000, "Cô Hạnh (Sơn Hà)"),
    (date(2026, 11, 22), 3_000_000, "Cửa hàng Hoa Mai"),
]


def event_campaign() -> Campaign | None:
    """The event's campaign and its gifts, looked up by slug and provider reference."""
    unit = db.session.execute(select(Unit).where(Unit.code == "h-ban-may")).scalar_one_or_none()
    if unit is None:
        return None
    campaign = db.session.execute(
        select(Campaign).where(Campaign.slug == SLUG)
    ).scalar_one_or_none()
    if campaign is None:
        campaign = Campaign(
            slug=SLUG,
            title=TITLE,
            kind=CampaignKind.event,
            unit_id=unit.id,
            summary="Chương trình nghệ thuật gây quỹ học bổng, vào cửa tự do, không bán vé.",
            story_md=STORY,
            status=CampaignStatus.published,
            featured=False,
            starts_on=date(2026, 10, 20),
            ends_on=date(2026, 12, 31),
            cover_image=store_image(cover_image(20, (40, 20, 90), (230, 120, 60))),
        )
        campaign.goals = [CampaignGoal(asset="VND", target=30_000_000, label="")]
        db.session.add(campaign)
        db.session.flush()
        db.session.add(
            CampaignUpdate(
                campaign_id=campaign.id,
                title="Cảm ơn khán giả đêm nhạc",
                body_md="Hơn 100 khán giả đã đến và ủng hộ. Số tiền được cập nhật trên sổ cái.",
                published_at=datetime(2026, 11, 21, 2, 0, tzinfo=UTC),
            )
        )
    for k, (day, amount, label) in enumerate(GIFTS):
        record_donation(
            campaign=campaign,
            amount=amount,
            provider="sepay",
            provider_ref=f"demo-dem-nhac-{k}",
            idempotency_key=f"demo:event:{SLUG}:{k}",
            received_at=datetime(day.year, day.month, day.day, 13, 30 + k, tzinfo=UTC),
            label=label,
        )
    return campaign
