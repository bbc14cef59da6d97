"""Demo money out for `flask demo seed`: invented invoices, suppliers and board minutes.

Through the real services (validation, four eyes, audit), with fixed proposal ids and fixed
posting times so that a second run changes nothing and the demo chain is the same everywhere:
an approved works payment on the boarding house's budget line (invoice and redacted copy), an
approved reallocation out of the closed classroom-repair campaign, and a purchase waiting.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, date, datetime

from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import select

from app.approvals import services as approvals
from app.approvals.models import Proposal
from app.auth.models import User
from app.extensions import db
from app.fonts import BOLD, REGULAR
from campaigns.models import Campaign
from campaigns.spending import reallocation, services

MANAGER = "quanly@demo.thapsang.vn"
TREASURER = "thuquy@demo.thapsang.vn"
BOARDING = "nha-ban-tru-ta-lung"
CLOSED = "sua-lop-nam-suong"
# public id, campaign, kind, description, supplier, tax code, invoice no., invoice date,
# amount, budget line, proposed at, approved at (None: still waiting)
EXPENSES = [
    (
        "DX-DEMO1",
        BOARDING,
        "works",
        "Thép, xi măng và cát làm móng nhà bán trú",
        "Công ty TNHH Vật liệu Xây dựng Bản Mây",
        "5800123456",
        "0001234",
        date(2026, 9, 28),
        6_000_000,
        "Móng và khung nhà",
        datetime(2026, 9, 30, 2, 0, tzinfo=UTC),
        datetime(2026, 10, 2, 3, 0, tzinfo=UTC),
    ),
    (
        "DX-DEMO3",
        BOARDING,
        "purchase",
        "12 giường tầng gỗ keo cho phòng ở của các em",
        "Hộ kinh doanh Mộc Tà Lùng",
        "",
        "0000087",
        date(2026, 11, 5),
        9_600_000,
        "Giường tầng, chăn màn cho 96 em",
        datetime(2026, 11, 6, 2, 0, tzinfo=UTC),
        None,
    ),
]
REALLOCATION = (
    "DX-DEMO2",
    CLOSED,
    "quy-chung",
    15_000_000,
    "Biên bản số 07/BB-BĐH ngày 20/10/2026",
    "Phòng học Nậm Sương đã được huyện sửa bằng ngân sách; Ban điều hành quyết định chuyển "
    "một phần số dư về quỹ chung để hỗ trợ học sinh khó khăn.",
    datetime(2026, 10, 21, 2, 0, tzinfo=UTC),
    datetime(2026, 10, 22, 3, 0, tzinfo=UTC),
)


def invoice_image(number: str, supplier: str, amount: int, *, redacted: bool = False) -> bytes:
    """A drawn invoice (no real document): heading, supplier, number, amount, a stamp."""
    image = Image.new("RGB", (900, 1200), (252, 250, 244))
    draw = ImageDraw.Draw(image)
    bold, regular = ImageFont.truetype(str(BOLD), 34), ImageFont.truetype(str(REGULAR), 26)
    draw.text((70, 60), "HOÁ ĐƠN GIÁ TRỊ GIA TĂNG", font=bold, fill=(160, 20, 20))
    draw.text((70, 120), "(Bản minh hoạ dữ liệu demo)", font=regular, fill=(90, 90, 90))
    rows = [
        f"Số: {number}",
        f"Đơn vị bán: {supplier}"[:52],
        "Người mua: Quỹ Thắp sáng ước mơ",
        "Địa chỉ: Xã Tà Lùng, huyện Bản Mây",
        f"Tổng tiền thanh toán: {amount:,} đồng".replace(",", "."),
    ]
    for i, row in enumerate(rows):
        draw.text((70, 220 + i * 70), row, font=regular, fill=(30, 30, 30))
    if redacted:  # the buyer's address blacked out, as a redacted copy would be
        draw.rectangle((60, 495, 840, 545), fill=(0, 0, 0))
    draw.ellipse((560, 820, 820, 1080), outline=(200, 30, 30), width=8)
    draw.text((600, 930), "ĐÃ THU TIỀN", font=bold, fill=(200, 30, 30))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _exists(public_id: str) -> bool:
    return (
        db.session.execute(select(Proposal.id).where(Proposal.public_id == public_id)).first()
        is not None
    )


def _settle(proposal: Proposal, public_id: str, proposed, decided, treasurer: User) -> None:
    """Give the proposal its fixed id and time, then approve it at its fixed time."""
    proposal.public_id = public_id
    proposal.proposed_at = proposed
    db.session.flush()
    if decided is None:
        return
    with services.posting_at(decided):
        approvals.approve(treasurer, public_id, "Đủ chứng từ.")
    proposal.decided_at = decided
    db.session.flush()


def _expenses(campaigns: dict[str, Campaign], manager: User, treasurer: User) -> int:
    made = 0
    for row in EXPENSES:
        public_id, slug, kind, text, supplier, tax, number, day, amount, line, proposed = row[:11]
        if _exists(public_id) or slug not in campaigns:
            continue
        campaign = campaigns[slug]
        budget = next((x.id for x in campaign.budget_lines if x.label == line), None)
        expense = services.propose_expense(
            manager,
            campaign,
            kind=kind,
            description=text,
            supplier=supplier,
            tax_code=tax,
            invoice_number=number,
            invoice_date=day,
            amount=amount,
            invoice=invoice_image(number, supplier, amount),
            invoice_name="hoa-don.png",
            budget_line_id=budget,
            public_copy=invoice_image(number, supplier, amount, redacted=True),
            public_copy_name="hoa-don-cong-khai.png",
        )
        expense.created_at = proposed
        _settle(expense.proposal, public_id, proposed, row[11], treasurer)
        made += 1
    return made


def _reallocation(campaigns: dict[str, Campaign], manager: User, treasurer: User) -> int:
    public_id, source, target, amount, minutes, reason, proposed, decided = REALLOCATION
    if _exists(public_id) or source not in campaigns or target not in campaigns:
        return 0
    move = reallocation.propose_reallocation(
        manager,
        campaigns[source],
        campaigns[target],
        amount=amount,
        minutes_ref=minutes,
        reason=reason,
    )
    move.created_at = proposed
    _settle(move.proposal, public_id, proposed, decided, treasurer)
    return 1


def seed_spending(echo: Callable[[str], None]) -> None:
    """Demo expenses and a reallocation (skipped without the demo users or campaigns)."""
    users = {
        u.email: u
        for u in db.session.execute(select(User).where(User.email.in_([MANAGER, TREASURER])))
        .scalars()
        .all()
    }
    if len(users) < 2:
        echo("  (bỏ qua chi tiêu demo: thiếu người dùng demo)")
        return
    campaigns = {
        c.slug: c
        for c in db.session.execute(
            select(Campaign).where(Campaign.slug.in_([BOARDING, CLOSED, "quy-chung"]))
        ).scalars()
    }
    manager, treasurer = users[MANAGER], users[TREASURER]
    made = _expenses(campaigns, manager, treasurer) + _reallocation(campaigns, manager, treasurer)
    echo(f"Chi tiêu và điều chuyển demo: {made}")
