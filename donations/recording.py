"""Recording money that arrived: the one function every rail (bank, card, in-kind) calls."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import CursorResult, Table, bindparam, select, update
from sqlalchemy.orm.attributes import set_committed_value

from app import writebehind
from app.dbtypes import utcnow
from app.extensions import db
from app.ledger import service as ledger
from campaigns.models import Campaign
from campaigns.referrals import credit_referral
from donations.models import Donation
from donations.pledges.models import PLEDGE_TRANSITIONS, Pledge, PledgeStatus
from donations.signals import donation_received


def status_for(amount: int, received: int, *, expired: bool = False) -> PledgeStatus:
    """The pledge status that the money seen so far implies (money is never rejected)."""
    if received <= 0:
        return PledgeStatus.expired if expired else PledgeStatus.pending
    if received < amount:
        return PledgeStatus.partial
    if received == amount:
        return PledgeStatus.paid
    return PledgeStatus.overpaid


def record_donation(
    *,
    campaign: Campaign,
    amount: int,
    provider: str,
    provider_ref: str,
    idempotency_key: str,
    pledge: Pledge | None = None,
    asset: str = "VND",
    received_at: datetime | None = None,
    label: str | None = None,
    new: bool = False,
) -> tuple[Donation, bool]:
    """Post `world → campaign` and store the Donation; returns (donation, created).

    Idempotent twice over: by (provider, provider_ref) here and by the ledger's key, so the
    same bank transaction or Stripe object recorded twice, even at the same moment, counts once.
    `label` overrides the public label (default: the pledge's name if the donor agreed).
    `new`: the caller holds the chain lock and knows these keys unused (a bank report stored
    for the first time), so neither is looked up; the unique keys still refuse a duplicate at
    the flush. Flushes, never commits.
    """
    if not new:
        # What is pending in the session is the caller's own bank row, never a Donation: no
        # autoflush needed for these reads (each one would flush the whole unit of work).
        with db.session.no_autoflush:
            existing = db.session.execute(
                select(Donation).where(
                    Donation.provider == provider, Donation.provider_ref == provider_ref
                )
            ).scalar_one_or_none()
        if existing is not None:
            return existing, False
    # Only donors who agreed appear by name in the public statement and on the donor wall.
    if label is None:
        label = pledge.public_name if pledge is not None and pledge.show_on_wall else ""
    posting = ledger.post(
        source="world",
        destination=campaign.account,
        asset=asset,
        amount=amount,
        kind="donation" if asset == "VND" else "in_kind",
        ref=pledge.reference if pledge is not None else provider_ref[:80],
        idempotency_key=idempotency_key,
        label=label,
        at=received_at,
        new=new,
        flush=not new,  # flushed below with the donation
    )
    if not posting.created:
        # The ledger already holds this event (e.g. a concurrent duplicate that won the race).
        done = db.session.execute(
            select(Donation).where(Donation.ledger_seq == posting.entry.seq)
        ).scalar_one_or_none()
        if done is not None:
            return done, False
    donation = Donation(
        pledge=pledge,
        campaign_id=campaign.id,
        asset=asset,
        amount=amount,
        provider=provider,
        provider_ref=provider_ref,
        ledger_seq=posting.entry.seq,
        received_at=received_at or utcnow(),
    )
    if new and writebehind.insert_object(donation):
        set_committed_value(donation, "campaign", campaign)  # what a flush would load
    else:
        db.session.add(donation)
    if pledge is not None and asset == "VND":
        _add_to_pledge(pledge, amount)
    db.session.flush()
    donation_received.send(donation)
    _credit_referral(pledge, campaign, amount, donation)
    return donation, True


_pledges = cast(Table, Pledge.__table__)
# Built once (it runs under the chain lock, where every statement made costs).
_MOVE_PLEDGE = (
    update(_pledges)
    .where(
        _pledges.c.id == bindparam("b_id"),
        _pledges.c.received == bindparam("b_seen"),
        _pledges.c.status == bindparam("b_seen_status", type_=_pledges.c.status.type),
    )
    .values(received=bindparam("b_received"), status=bindparam("b_status"))
)


def _add_to_pledge(pledge: Pledge, amount: int) -> None:
    """Add `amount` to what the pledge received and move its status, under the chain lock.

    A concurrent transfer for the same pledge may have committed since the pledge was loaded
    (it may have been loaded before the lock): one UPDATE that holds only if the row is still
    as loaded, else the row is read again and written.
    """
    seen_received, seen_status = pledge.received, pledge.status
    received = seen_received + amount
    # A monthly code is a standing order: every transfer is a whole gift of its own.
    status = PledgeStatus.paid if pledge.monthly else status_for(pledge.amount, received)
    PLEDGE_TRANSITIONS.check(seen_status, status)
    result = db.session.execute(
        _MOVE_PLEDGE,
        {
            "b_id": pledge.id,
            "b_seen": seen_received,
            "b_seen_status": seen_status,
            "b_received": received,
            "b_status": status,
        },
    )
    if cast(CursorResult, result).rowcount == 1:
        set_committed_value(pledge, "received", received)
        set_committed_value(pledge, "status", status)
        return
    with db.session.no_autoflush:
        current, now = db.session.execute(
            select(Pledge.received, Pledge.status)
            .where(Pledge.id == pledge.id)
            .execution_options(populate_existing=True)
        ).one()
    set_committed_value(pledge, "received", current)
    set_committed_value(pledge, "status", now)
    pledge.received = current + amount
    PLEDGE_TRANSITIONS.move(
        pledge,
        PledgeStatus.paid if pledge.monthly else status_for(pledge.amount, pledge.received),
    )


def _credit_referral(pledge: Pledge | None, campaign: Campaign, amount: int, donation) -> None:
    """Credit the referral link the donor came through (campaigns owns the rules)."""
    if pledge is None or not pledge.ref_code or donation.asset != "VND":
        return
    credit_referral(pledge.ref_code, campaign, amount, f"donation:{donation.id}")


def adjust_pledge(pledge: Pledge | None, change: int) -> None:
    """Move a pledge's received amount by `change` đồng (never below 0) and its status.

    A refund, a lost chargeback or an approved correction lowers it; a won dispute gives it
    back. A pledge left with nothing is closed as `expired` (it cannot be paid again by
    mistake; a late transfer revives it); a monthly one stays `paid` while any gift is kept.
    """
    if pledge is None or change == 0:
        return
    current = db.session.execute(select(Pledge.received).where(Pledge.id == pledge.id)).scalar_one()
    pledge.received = max(0, int(current) + change)
    if pledge.monthly:
        new = PledgeStatus.paid if pledge.received > 0 else PledgeStatus.expired
    else:
        new = status_for(pledge.amount, pledge.received, expired=True)
    PLEDGE_TRANSITIONS.move(pledge, new)
