"""Demo campaigns for `flask demo seed`: invented people and places, generated covers.

Idempotent: campaigns are looked up by slug, ledger postings and referral credits carry fixed
keys and fixed dates, and covers are content-addressed, so a second run changes nothing.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from datetime import UTC, date, datetime

from PIL import Image, ImageDraw
from sqlalchemy import select

from app.extensions import db
from app.ledger import service as ledger
from app.units.models import Unit
from campaigns.images import store_image
from campaigns.models import (
    GENERAL_FUND_SLUG,
    BudgetLine,
    Campaign,
    CampaignGoal,
    CampaignKind,
    CampaignStatus,
    CampaignUpdate,
    FundraisingPage,
    Milestone,
    PageStatus,
    ReferralCode,
)
from campaigns.referrals import credit_referral, unit_code

K = CampaignKind
# slug, title, kind, unit code, status, featured, goals [(asset, target)], summary, colours
CAMPAIGNS = [
    (
        GENERAL_FUND_SLUG,
        "Quỹ chung Thắp sáng ước mơ",
        K.general,
        "tinh-doan",
        True,
        False,
        [],
        "Ủng hộ quỹ chung để Ban điều hành phân bổ tới nơi cần nhất.",
        ((179, 38, 30), (245, 180, 80)),
    ),
    (
        "hoc-bong-tiep-buoc-2026",
        "Học bổng Tiếp bước đến trường 2026",
        K.scholarship,
        "tinh-doan",
        True,
        True,
        [("VND", 300_000_000)],
        "200 suất học bổng cho học sinh có nguy cơ bỏ học ở các xã vùng cao.",
        ((30, 90, 160), (120, 200, 240)),
    ),
    (
        "hu-gao-ban-may",
        "Hũ gạo tiếp sức đến trường – Bản Mây",
        K.rice_jar,
        "h-ban-may",
        True,
        True,
        [("RICE_G", 2_000_000), ("VND", 40_000_000)],
        "2.000 kg gạo cho bếp bán trú của ba trường ở Bản Mây.",
        ((150, 110, 40), (240, 220, 150)),
    ),
    (
        "nha-ban-tru-ta-lung",
        "Nhà bán trú cho em – Tà Lùng",
        K.boarding_house,
        "thcs-ta-lung",
        True,
        True,
        [("VND", 850_000_000)],
        "Xây nhà bán trú 12 phòng cho 96 học sinh ở xa trường hơn 10 km.",
        ((11, 107, 58), (160, 220, 170)),
    ),
    (
        "xe-dap-suoi-hoa",
        "Xe đạp đến trường – Suối Hoa",
        K.transport,
        "h-suoi-hoa",
        True,
        False,
        [("BICYCLE", 50), ("VND", 90_000_000)],
        "50 chiếc xe đạp cho học sinh đi bộ hơn 5 km mỗi ngày.",
        ((90, 60, 150), (200, 180, 240)),
    ),
    (
        "dung-cu-hoc-tap-2026",
        "Dụng cụ học tập năm học mới",
        K.school_supplies,
        "khoi-cq",
        True,
        False,
        [("SUPPLY_SET", 500)],
        "500 bộ sách vở, cặp và bút cho học sinh khó khăn.",
        ((200, 90, 20), (250, 200, 120)),
    ),
    (
        "sua-lop-nam-suong",
        "Sửa lớp học điểm trường Nậm Sương",
        K.classroom_repair,
        "h-ban-may",
        False,
        False,
        [("VND", 120_000_000)],
        "Thay mái, lát nền và làm lại cửa cho hai phòng học bị dột.",
        ((70, 80, 90), (180, 190, 200)),
    ),
]
STORY = (
    "Ở điểm trường vùng cao, nhiều em phải nghỉ học giữa chừng vì nhà xa, thiếu gạo và thiếu "
    "đồ dùng. Tổ công tác của Đoàn đã đến từng gia đình để tìm hiểu.\n\n"
    "**Quỹ cam kết:**\n\n- công khai từng khoản thu, chi trên sổ cái;\n"
    "- trao tận tay, có danh sách ký nhận;\n- cập nhật tin tức thường xuyên tại trang này.\n"
)
DONORS = [
    "Chị Lan (Hà Nội)",
    "",
    "Công ty CP Mây Xanh",
    "Anh Tuấn",
    "",
    "Nhóm cựu học sinh THPT Bản Mây",
    "Gia đình bé Na",
    "",
    "Cửa hàng Hoa Mai",
    "Chú Bảy (TP.HCM)",
]
# campaign slug -> referral unit code of some gifts
REFERRERS = {
    "hoc-bong-tiep-buoc-2026": "h-ban-may",
    "hu-gao-ban-may": "thpt-ban-may",
    "nha-ban-tru-ta-lung": "h-suoi-hoa",
    "xe-dap-suoi-hoa": "h-suoi-hoa",
}
PAGES = [  # campaign, unit, owner, title, goal, status
    (
        "hoc-bong-tiep-buoc-2026",
        "thpt-ban-may",
        "Lò Thị Mai",
        "Mai gây quỹ học bổng cho các em",
        10_000_000,
        PageStatus.approved,
        "p_demo01",
    ),
    (
        "nha-ban-tru-ta-lung",
        "h-ban-may",
        "Vàng A Dũng",
        "Cùng Dũng xây nhà bán trú",
        20_000_000,
        PageStatus.approved,
        "p_demo02",
    ),
    (
        "hu-gao-ban-may",
        "thpt-suoi-hoa",
        "Nguyễn Minh Khoa",
        "Một hũ gạo, một ước mơ",
        5_000_000,
        PageStatus.pending,
        "p_demo03",
    ),
]


def cover_image(seed: int, top: tuple, bottom: tuple) -> bytes:
    """A generated landscape: sky gradient, sun, hills and a small school. No external files."""
    rng = random.Random(seed)
    width, height = 1600, 900
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    sx, sy = rng.randint(200, 1400), rng.randint(120, 260)
    draw.ellipse((sx - 80, sy - 80, sx + 80, sy + 80), fill=(255, 230, 140))
    for i, shade in enumerate(((60, 120, 70), (40, 100, 55), (25, 80, 40))):
        base = 520 + i * 110
        points = (
            [(0, height)]
            + [(x, base - rng.randint(0, 140)) for x in range(0, width + 200, 200)]
            + [(width, height)]
        )
        draw.polygon(points, fill=shade)
    hx, hy = rng.randint(300, 1100), 640
    draw.rectangle((hx, hy, hx + 300, hy + 150), fill=(245, 240, 230))
    draw.polygon([(hx - 30, hy), (hx + 150, hy - 90), (hx + 330, hy)], fill=(179, 38, 30))
    draw.rectangle((hx + 125, hy + 60, hx + 175, hy + 150), fill=(120, 80, 50))
    for wx in (hx + 30, hx + 215):
        draw.rectangle((wx, hy + 40, wx + 55, hy + 90), fill=(150, 200, 230))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def seed_campaigns(echo: Callable[[str], None]) -> None:
    """The general fund and six campaigns with covers, updates, links, pages and entries."""
    units = {u.code: u for u in db.session.execute(select(Unit)).scalars()}
    made: dict[str, Campaign] = {}
    for i, (slug, title, kind, unit, published, featured, goals, summary, colours) in enumerate(
        CAMPAIGNS
    ):
        campaign = db.session.execute(
            select(Campaign).where(Campaign.slug == slug)
        ).scalar_one_or_none()
        if campaign is None:
            campaign = Campaign(
                slug=slug,
                title=title,
                kind=kind,
                unit_id=units[unit].id,
                summary=summary,
                story_md=STORY,
                status=CampaignStatus.published if published else CampaignStatus.closed,
                featured=featured,
                starts_on=date(2026, 8, 15),
                ends_on=None if kind == K.general else date(2027, 5, 31 if published else 1),
                cover_image=store_image(cover_image(i, *colours)),
            )
            campaign.goals = [CampaignGoal(asset=a, target=t, label="") for a, t in goals]
            db.session.add(campaign)
            db.session.flush()
            db.session.add(
                CampaignUpdate(
                    campaign_id=campaign.id,
                    title="Khởi động chiến dịch",
                    body_md="Các tổ công tác đã rà soát xong danh sách và bắt đầu nhận ủng hộ. Cảm ơn mọi người!",
                    published_at=datetime(2026, 8, 20, 2, 0, tzinfo=UTC),
                )
            )
            if kind == K.boarding_house:
                campaign.budget_lines = [
                    BudgetLine(label=lbl, amount=amt)
                    for lbl, amt in (
                        ("Móng và khung nhà", 320_000_000),
                        ("Mái tôn cách nhiệt", 180_000_000),
                        ("Giường tầng, chăn màn cho 96 em", 210_000_000),
                        ("Bếp và nhà vệ sinh", 140_000_000),
                    )
                ]
                campaign.milestones = [
                    Milestone(title="Khởi công", due_on=date(2026, 10, 1), done=True),
                    Milestone(title="Lợp mái", due_on=date(2026, 12, 15), done=False),
                    Milestone(
                        title="Bàn giao cho nhà trường", due_on=date(2027, 3, 26), done=False
                    ),
                ]
        made[slug] = campaign
    db.session.flush()
    for code in ("h-ban-may", "h-suoi-hoa", "thpt-ban-may", "thpt-suoi-hoa", "khoi-cq"):
        if code in units:
            unit_code(units[code])
    for slug, unit, owner, title, goal, status, code in PAGES:
        if db.session.execute(
            select(ReferralCode).where(ReferralCode.code == code)
        ).scalar_one_or_none():
            continue
        ref = ReferralCode(code=code, unit_id=units[unit].id)
        db.session.add(ref)
        db.session.flush()
        db.session.add(
            FundraisingPage(
                campaign_id=made[slug].id,
                unit_id=units[unit].id,
                referral_code_id=ref.id,
                owner_name=owner,
                owner_email=f"{code}@demo.thapsang.vn",
                title=title,
                goal=goal,
                status=status,
                message="Mỗi phần quà nhỏ giúp một em ở lại lớp. Cùng mình góp sức nhé!",
            )
        )
    db.session.flush()
    _post_entries(made)
    echo(f"Chiến dịch demo: {len(made)}")


def _post_entries(made: dict[str, Campaign]) -> None:
    n = 0
    for slug, campaign in made.items():
        if slug == GENERAL_FUND_SLUG:
            continue
        goal_assets = [g.asset for g in campaign.goals]
        for k in range(6):
            n += 1
            asset = goal_assets[k % len(goal_assets)]
            amount = {
                "VND": (k + 1) * 1_500_000,
                "RICE_G": (k + 1) * 50_000,
                "BICYCLE": 2,
                "SUPPLY_SET": 20,
            }[asset]
            at = datetime(2026, 9, 5 + k * 3, 1 + k, 30, tzinfo=UTC)
            ledger.post(
                source="world",
                destination=campaign.account,
                asset=asset,
                amount=amount,
                kind="donation" if asset == "VND" else "in_kind",
                ref=f"TSDEMO{n:04d}",
                idempotency_key=f"demo:campaigns:{slug}:{k}",
                label=DONORS[(n * 3) % len(DONORS)],
                at=at,
            )
            if asset == "VND" and k % 2 == 0:
                page = {
                    "hoc-bong-tiep-buoc-2026": "p_demo01",
                    "nha-ban-tru-ta-lung": "p_demo02",
                }.get(slug)
                code = page if page and k == 0 else REFERRERS.get(slug)
                credit_referral(code, campaign, amount, f"demo:ref:{slug}:{k}")
