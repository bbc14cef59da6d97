"""The report's money tables: gifts of the range summed by campaign and channel, by unit and
channel, goods apart; reversed gifts, gifts outside the range or not in the ledger left out."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.extensions import db
from donations.models import Donation
from transparency.reports import data

FIRST, LAST = date(2026, 8, 15), date(2027, 5, 31)
BANK, CARD, MANUAL = "Chuyển khoản ngân hàng", "Thẻ thanh toán (Stripe)", "Ghi nhận thủ công"


def test_money_tables_sum_gifts_by_campaign_unit_and_channel(make_campaign, give, units):
    alpha = make_campaign("alpha", title="Alpha", unit="a")
    beta = make_campaign("beta", title="Beta", unit="b")
    school = make_campaign("alpha-truong", title="Alpha", unit="school")  # same title, in A
    inside = datetime(2026, 10, 1, 3, tzinfo=UTC)
    n = iter(range(100))

    def gift(campaign, provider, amount, *, asset="VND", at=inside, in_ledger=True, undone=False):
        entry = give(campaign, amount, asset=asset)
        reversal = give(campaign, 1_000).seq if undone else None
        db.session.add(
            Donation(
                campaign_id=campaign.id,
                asset=asset,
                amount=amount,
                provider=provider,
                provider_ref=f"t:{next(n)}",
                ledger_seq=entry.seq if in_ledger else None,
                reversal_seq=reversal,
                received_at=at,
            )
        )

    gift(alpha, "sepay", 100_000)
    gift(alpha, "casso", 50_000)
    gift(alpha, "stripe", 200_000)
    gift(school, "sepay", 30_000)
    gift(beta, "manual", 70_000)
    gift(beta, "in_kind", 5_000, asset="RICE_G")
    gift(beta, "sepay", 999, undone=True)
    gift(beta, "sepay", 888, in_ledger=False)
    gift(beta, "sepay", 777, at=datetime(2026, 8, 14, 16, 59, tzinfo=UTC))  # 23:59 on 14 Aug
    gift(beta, "sepay", 1_111, at=datetime(2026, 8, 14, 17, 0, tzinfo=UTC))  # 00:00 on 15 Aug
    db.session.commit()

    report = data.build("year_end", FIRST, LAST, units["province"])
    by_campaign = report.table("money_campaign")
    assert by_campaign.rows == ["Alpha", "Beta"]
    assert by_campaign.cols == sorted([BANK, CARD, MANUAL, "Hiện vật"])
    cell = {
        (r, c): by_campaign.value(i, j)
        for i, r in enumerate(by_campaign.rows)
        for j, c in enumerate(by_campaign.cols)
    }
    assert cell[("Alpha", BANK)] == 180_000 and cell[("Alpha", CARD)] == 200_000
    assert cell[("Beta", MANUAL)] == 70_000 and cell[("Beta", BANK)] == 1_111
    assert cell[("Beta", "Hiện vật")] == 0 and cell[("Alpha", MANUAL)] == 0
    by_unit = report.table("money_unit")
    a, b = by_unit.rows.index(units["a"].name), by_unit.rows.index(units["b"].name)
    bank = by_unit.cols.index(BANK)
    assert by_unit.value(a, bank) == 180_000 and by_unit.value(b, bank) == 1_111
    assert by_unit.value(a, by_unit.cols.index(CARD)) == 200_000
    in_kind = report.table("in_kind")
    assert in_kind.row_assets == ["RICE_G"] and in_kind.value(0, 0) == 5_000
