"""Receipts for many donations at once (a statement import chunk): numbered in one go."""

from __future__ import annotations

from sqlalchemy import insert, select, update

from app.dbtypes import VN_TZ, utcnow
from app.extensions import db
from app.ledger.batch import table_of
from app.ledger.rows import among, insert_rows
from campaigns.models import Campaign
from donations.models import Donation
from donations.pledges.models import Pledge
from donations.receipts.models import Receipt, ReceiptCounter
from donations.receipts.services import send_receipt

_COLUMNS = (
    "number",
    "year",
    "seq",
    "donation_id",
    "pledge_id",
    "email",
    "donor_name",
    "is_business",
    "company_name",
    "tax_code",
    "company_address",
    "campaign_title",
    "amount",
    "method",
    "reference",
    "ledger_seq",
    "received_at",
    "issued_at",
    "voided_at",
    "void_reason",
)


def _take_numbers(year: int, count: int) -> int:
    """Reserve `count` consecutive numbers of the year in one UPDATE; returns the first seq.

    As `_next_number` (gap-free, the counter row locked until the transaction ends), but one
    statement for a whole chunk instead of one per receipt.
    """
    last = db.session.execute(
        update(ReceiptCounter)
        .where(ReceiptCounter.year == year)
        .values(last=ReceiptCounter.last + count)
        .returning(ReceiptCounter.last)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if last is None:
        db.session.execute(insert(ReceiptCounter).values(year=year, last=count))
        last = count
    return last - count + 1


def issue_receipts(donation_ids: list[int]) -> int:
    """The receipts of these money donations, numbered in order, without gaps; flushes.

    The same rules as `issue_receipt`: one per donation, in-kind gifts get none, the donor's
    details frozen at issue, the e-mail queued in the outbox when the pledge has an address.
    Returns how many were issued.
    """
    if not donation_ids:
        return 0
    done = set(
        db.session.execute(
            select(Receipt.donation_id).where(among(Receipt.donation_id, donation_ids))
        )
        .scalars()
        .all()
    )
    d, p = Donation.__table__.c, Pledge.__table__.c
    # Plain rows, not ORM objects: a chunk has a thousand of them.
    rows = (
        db.session.execute(
            select(
                d.id,
                d.amount,
                d.provider,
                d.provider_ref,
                d.ledger_seq,
                d.received_at,
                Campaign.title,
                p.id.label("pledge_id"),
                p.email,
                p.donor_name,
                p.is_business,
                p.company_name,
                p.tax_code,
                p.company_address,
                p.reference,
            )
            .join(Campaign, Campaign.id == d.campaign_id)
            .outerjoin(Pledge.__table__, p.id == d.pledge_id)
            .where(among(d.id, donation_ids), d.asset == "VND")
            .order_by(d.id)
        )
        .tuples()
        .all()
    )
    issued = utcnow()
    year = issued.astimezone(VN_TZ).year
    todo = [row for row in rows if row[0] not in done]
    if not todo:
        return 0
    first = _take_numbers(year, len(todo))
    values = []
    # Plain tuples unpacked in the order of the select (a thousand rows per chunk).
    for seq, (
        donation_id,
        amount,
        provider,
        provider_ref,
        ledger_seq,
        received_at,
        title,
        pledge_id,
        email,
        donor_name,
        is_business,
        company_name,
        tax_code,
        company_address,
        reference,
    ) in enumerate(todo, start=first):
        pledged = pledge_id is not None
        values.append(
            (
                f"{year}-{seq:06d}",
                year,
                seq,
                donation_id,
                pledge_id,
                (email or "").strip(),
                (donor_name or "").strip(),
                bool(pledged and is_business),
                company_name if pledged else "",
                tax_code if pledged else "",
                company_address if pledged else "",
                title,
                amount,
                provider,
                reference if pledged else provider_ref[:120],
                ledger_seq,
                received_at,
                issued,
                None,
                "",
            )
        )
    insert_rows(table_of(Receipt), _COLUMNS, values)
    to_mail = [v[0] for v in values if v[5]]
    if to_mail:
        for receipt in db.session.execute(
            select(Receipt).where(Receipt.number.in_(to_mail))
        ).scalars():
            send_receipt(receipt)
    return len(values)


def on_donations_recorded(donation_ids: list[int], **_: object) -> None:
    """Signal receiver: the receipts of a bulk-recorded chunk, in the same transaction."""
    issue_receipts(donation_ids)
