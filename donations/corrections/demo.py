"""Demo data: a transfer assigned to the wrong campaign, taken back by a correction that the
treasurer proposed and an admin approved; it waits in the review queue again.

Idempotent: the transfer is looked up by its provider id, the correction by its transfer. The
overpaid pledges of the bank demo (one paid more, one paid twice) wait in the overpayment queue.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import select

from app.approvals import services as approvals
from app.auth.models import User
from app.extensions import db
from campaigns.models import Campaign
from donations.bank import review
from donations.bank.matching import Incoming, Matcher
from donations.bank.models import BankTransaction
from donations.corrections import services
from donations.corrections.models import Correction

PROVIDER_ID = "demo-wrong-1"
WRONG = "xe-dap-suoi-hoa"
REASON = (
    "Gán nhầm chiến dịch: người chuyển ghi rõ ủng hộ bếp ăn bán trú Bản Mây, không phải "
    "xe đạp Suối Hoa."
)


def _user(email: str) -> User | None:
    return db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()


def seed(echo: Callable[[str], None]) -> None:
    """Create the corrected transfer once; flushes, the caller commits."""
    treasurer = _user("thuquy@demo.thapsang.vn")
    admin = _user("admin@demo.thapsang.vn")
    campaign = db.session.execute(
        select(Campaign).where(Campaign.slug == WRONG)
    ).scalar_one_or_none()
    if treasurer is None or admin is None or campaign is None:
        echo("corrections: demo users or campaign missing, demo correction skipped")
        return
    matcher = Matcher()
    tx, _created = matcher.receive(
        Incoming(
            provider="sepay",
            provider_id=PROVIDER_ID,
            amount=450_000,
            occurred_at=datetime(2026, 10, 14, 2, 30, tzinfo=UTC),
            memo="UNG HO BEP AN BAN TRU BAN MAY",
            account_number=matcher.account,
            raw={"demo": True},
        )
    )
    done = db.session.execute(select(Correction.id).where(Correction.bank_tx_id == tx.id)).first()
    if done is not None:
        return
    review.assign(treasurer, review.load_for_update(tx.id), campaign=campaign)
    db.session.flush()
    correction = services.propose_reversal(treasurer, tx.donation.ledger_seq, REASON)
    approvals.approve(admin, correction.proposal.public_id, "Đã đối chiếu sao kê, đồng ý đảo.")
    db.session.flush()
    back = db.session.get(BankTransaction, tx.id)
    echo(
        f"corrections: transfer #{back.id} taken back ({correction.proposal.public_id}), in review"
    )
