"""Many open pledges at once, for benchmarks and load tests (`flask demo bulk --pledges N`).

Core bulk inserts, a few thousand rows per statement: 100.000 pledges take seconds, not the
minutes the one-by-one service would. Every donor here is invented ("Nhà hảo tâm thử nghiệm").
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

from sqlalchemy import insert, select

from app.extensions import db
from app.ledger.batch import table_of
from campaigns.models import Campaign
from donations.pledges.models import PaymentMethod, Pledge, PledgeStatus
from donations.pledges.refcode import new_code

AMOUNTS = (100_000, 200_000, 500_000, 1_000_000)
_CHUNK = 5000


def bulk_pledges(
    campaign: Campaign, n: int, *, seed: int | None = None, created_at: datetime | None = None
) -> list[tuple[str, int]]:
    """Insert `n` open (pending) bank pledges to `campaign`; returns (reference, amount) pairs.

    References are random (seeded for a reproducible benchmark) and never collide with one
    already stored. Flushes, never commits.
    """
    rng = random.Random(seed) if seed is not None else random.SystemRandom()
    taken = set(db.session.execute(select(Pledge.reference)).scalars())
    pairs: list[tuple[str, int]] = []
    while len(pairs) < n:
        code = new_code(rng)
        if code not in taken:
            taken.add(code)
            pairs.append((code, rng.choice(AMOUNTS)))
    when = created_at or datetime.now(UTC)
    rows = [
        {
            "reference": code,
            "campaign_id": campaign.id,
            "amount": amount,
            "method": PaymentMethod.bank.value,
            "monthly": False,
            "status": PledgeStatus.pending.value,
            "received": 0,
            "refunded": 0,
            "donor_name": "Nhà hảo tâm thử nghiệm",
            "anonymous": False,
            "show_on_wall": False,
            "email": "",
            "phone": "",
            "message": "",
            "is_business": False,
            "company_name": "",
            "tax_code": "",
            "company_address": "",
            "created_at": when,
        }
        for code, amount in pairs
    ]
    for start in range(0, len(rows), _CHUNK):
        db.session.execute(insert(table_of(Pledge)), rows[start : start + _CHUNK])
    return pairs
