"""Settling a chunk of statement rows at once: the same decisions as `Matcher`, set-based.

A statement import decides row by row exactly as `Matcher._settle` does (other account, twin
of a notification, no code, unknown or several codes, closed campaign, matched), but writes
each chunk with a handful of statements: one batch of ledger entries (`post_many`), one
bulk insert of donations, of bank rows, one bulk update of pledges, and the receipts through
`donations_recorded` (one signal per chunk). The chain lock is taken first, so the twins and
the pledges' received amounts are read under it (a notification committing meanwhile waits).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import Table, func, select, text
from sqlalchemy.orm.attributes import set_committed_value

from app import stored_text
from app.dbtypes import utcnow
from app.extensions import db
from app.ledger import service as ledger
from app.ledger.batch import Movement, post_many, table_of
from app.ledger.rows import among, insert_rows, rows_by_key, update_rows
from campaigns.models import Campaign
from campaigns.referrals import credit_referral
from donations.bank.matching import (
    NOTE_NO_CODE,
    STATEMENT,
    Incoming,
    Matcher,
    digits,
    local_day,
    note_closed,
    note_many,
    note_unknown_code,
)
from donations.bank.models import BankTransaction, TxStatus
from donations.models import Donation
from donations.pledges.models import Pledge, PledgeStatus
from donations.recording import status_for
from donations.signals import donations_recorded


@dataclass
class Settled:
    """What became of one row: its status, note, pledge and donation."""

    item: Incoming
    status: TxStatus
    note: object = ""
    pledge: Any = None  # a PledgeRow when matched here, the twin's Pledge for a duplicate
    donation_id: int | None = None
    twin_of_id: int | None = None
    maybe_twin_of_id: int | None = None


# A statement names one account (and a few days and amounts) on every row: fold each once.
_digits = lru_cache(maxsize=256)(digits)


# ... and a statement's rows fall on a few dozen days (equal moments, the same local day).
_day_text = lru_cache(maxsize=1024)(lambda moment: local_day(moment).isoformat())


def _dedupe_key(item: Incoming) -> str:
    """`Matcher._key`, with the account's digits and the day folded once."""
    return f"{_digits(item.account_number)}|{_day_text(item.occurred_at)}|{item.amount}"


_DONATION_COLUMNS = (
    "id",
    "pledge_id",
    "campaign_id",
    "asset",
    "amount",
    "provider",
    "provider_ref",
    "ledger_seq",
    "received_at",
    "created_at",
)
_BANK_COLUMNS = (
    "provider",
    "provider_id",
    "direction",
    "account_number",
    "amount",
    "memo",
    "bank_reference",
    "occurred_at",
    "dedupe_key",
    "twin_of_id",
    "maybe_twin_of_id",
    "status",
    "note",
    "note_msg",
    "pledge_id",
    "donation_id",
    "import_id",
    "raw",
    "received_at",
    "reassigned",
)


class PledgeRow(NamedTuple):
    """What settling needs of a pledge, read as plain columns (a chunk reads a thousand)."""

    id: int
    reference: str
    amount: int
    monthly: bool
    campaign_id: int
    label: str  # the public label of its gifts: the donor's name if shown on the wall
    ref_code: str | None
    campaign: Campaign
    account: str  # the campaign's ledger account
    open: bool  # the campaign accepts gifts
    received: int  # read under the chain lock, so what `_move_pledges` adds to


def _load_pledges(codes: set[str]) -> dict[str, PledgeRow | None]:
    """The pledges these codes name (None for an unknown code), with their campaigns."""
    found: dict[str, PledgeRow | None] = dict.fromkeys(codes)
    if not codes:
        return found
    p = table_of(Pledge).c
    rows = db.session.execute(
        select(
            p.id,
            p.reference,
            p.amount,
            p.monthly,
            p.campaign_id,
            p.donor_name,
            p.anonymous,
            p.show_on_wall,
            p.is_business,
            p.company_name,
            p.ref_code,
            p.received,
        ).where(among(p.reference, codes))
    ).all()
    campaign_ids = {row.campaign_id for row in rows}
    campaigns = {
        c.id: c
        for c in db.session.execute(select(Campaign).where(Campaign.id.in_(campaign_ids))).scalars()
    }
    folded = {c.id: (c, c.account, c.accepts_gifts) for c in campaigns.values()}
    for row in rows:
        name = ""
        if row.show_on_wall and not row.anonymous and row.donor_name.strip():
            name = row.company_name if row.is_business and row.company_name else row.donor_name
        campaign, account, open_ = folded[row.campaign_id]
        found[row.reference] = PledgeRow(
            row.id,
            row.reference,
            row.amount,
            row.monthly,
            row.campaign_id,
            name,
            row.ref_code,
            campaign,
            account,
            open_,
            int(row.received),
        )
    return found


def _decide(matcher: Matcher, item: Incoming, codes: list[str], pledges_by_code: dict) -> Settled:
    """Matcher's rules for one row, without writing anything."""
    screened = matcher.screen(item)
    if screened is not None:
        settled = Settled(item, screened.status, screened.note)
        if screened.twin is not None:
            settled.twin_of_id = screened.twin.id
            settled.donation_id = screened.twin.donation_id
            settled.pledge = screened.twin.pledge
        if screened.maybe_twin is not None:
            settled.maybe_twin_of_id = screened.maybe_twin.id
        return settled
    pledges = {p.id: p for p in (pledges_by_code.get(code) for code in codes) if p is not None}
    if not codes:
        return Settled(item, TxStatus.review, NOTE_NO_CODE)
    if not pledges:
        return Settled(item, TxStatus.review, note_unknown_code(", ".join(codes)))
    if len(pledges) > 1:
        refs = ", ".join(p.reference for p in pledges.values())
        return Settled(item, TxStatus.review, note_many(refs))
    pledge = next(iter(pledges.values()))
    if not pledge.open:
        return Settled(
            item, TxStatus.review, note_closed(pledge.reference, pledge.campaign.title), pledge
        )
    return Settled(item, TxStatus.matched, "", pledge)


def _donation_ids(keys: list[str]) -> list[Any]:
    """(provider_ref, id) of the statement donations with these keys."""
    return rows_by_key(
        table_of(Donation), "provider_ref", keys, ("provider_ref", "id"), provider=STATEMENT
    )


def _new_ids(table: Table, count: int) -> list[int]:
    """Ids for `count` rows about to be inserted, known before the insert (RETURNING in
    order would make SQLite insert one row per statement): from the table's sequence on
    PostgreSQL; after the highest id on SQLite, whose writers are serialised by the chain
    lock (`BEGIN IMMEDIATE`) this chunk holds."""
    if db.session.get_bind().dialect.name == "postgresql":
        return list(
            db.session.execute(
                text(
                    "SELECT nextval(pg_get_serial_sequence(:name, 'id')) FROM generate_series(1, :n)"
                ),
                {"name": table.name, "n": count},
            )
            .scalars()
            .all()
        )
    last = db.session.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
    return list(range(last + 1, last + 1 + count))


def _record(matched: list[Settled]) -> None:
    """Post, store the donations and move the pledges of the matched rows."""
    if not matched:
        return
    keys = [f"{STATEMENT}:{s.item.provider_id}"[:120] for s in matched]
    table = table_of(Donation)
    fresh = list(zip(matched, keys, strict=True))
    # The chain hashes UTC seconds: each value date converted once (the same moment).
    utc: dict[Any, Any] = {}
    for s, _key in fresh:
        at = s.item.occurred_at
        if at not in utc:
            utc[at] = at.astimezone(UTC).replace(microsecond=0)
    posted = post_many(
        [
            Movement(
                source=ledger.WORLD,
                destination=s.pledge.account,
                asset="VND",
                amount=s.item.amount,
                kind="donation",
                ref=s.pledge.reference,
                idempotency_key=f"bank:{key}",
                label=s.pledge.label,
                at=utc[s.item.occurred_at],
            )
            for s, key in fresh
        ]
    )
    # A donation and its entry are written together under one key, so a row whose entry
    # existed already (never for rows new to the bank table) keeps its donation, if any.
    again = [(s, key) for (s, key), p in zip(fresh, posted, strict=True) if not p.created]
    if again:
        existing: dict[Any, Any] = dict(_donation_ids([key for _s, key in again]))
        for s, key in again:
            s.donation_id = existing.get(key)
        pairs = [
            (pair, p) for pair, p in zip(fresh, posted, strict=True) if pair[0].donation_id is None
        ]
        fresh, posted = [pair for pair, _p in pairs], [p for _pair, p in pairs]
        if not fresh:
            return
    now = utcnow()
    ids = _new_ids(table, len(fresh))
    rows = [
        (
            donation_id,
            s.pledge.id,
            s.pledge.campaign_id,
            "VND",
            s.item.amount,
            STATEMENT,
            key,
            p.seq,
            s.item.occurred_at,
            now,
        )
        for donation_id, (s, key), p in zip(ids, fresh, posted, strict=True)
    ]
    insert_rows(table, _DONATION_COLUMNS, rows)
    for donation_id, (s, _key) in zip(ids, fresh, strict=True):
        s.donation_id = donation_id
    _move_pledges(fresh)
    for s, _key in fresh:
        if s.pledge.ref_code:
            credit_referral(
                s.pledge.ref_code, s.pledge.campaign, s.item.amount, f"donation:{s.donation_id}"
            )
    donations_recorded.send([s.donation_id for s, _key in fresh])


def _move_pledges(fresh: list[tuple[Settled, str]]) -> None:
    """Add what each pledge received, in one bulk update (under the chain lock, as the
    amounts the pledges were read with)."""
    added: dict[int, int] = {}
    by_id: dict[int, PledgeRow] = {}
    for s, _key in fresh:
        added[s.pledge.id] = added.get(s.pledge.id, 0) + s.item.amount
        by_id[s.pledge.id] = s.pledge
    table = table_of(Pledge)
    held = {
        obj.id: obj for obj in list(db.session.identity_map.values()) if isinstance(obj, Pledge)
    }
    changes = []
    for pledge_id, amount in added.items():
        pledge = by_id[pledge_id]
        received = pledge.received + amount
        status = PledgeStatus.paid if pledge.monthly else status_for(pledge.amount, received)
        changes.append((pledge_id, received, status.value))
        loaded = held.get(pledge_id)
        if loaded is not None:  # a Pledge object in this session sees the new values too
            set_committed_value(loaded, "received", received)
            set_committed_value(loaded, "status", status)
    update_rows(table, "id", ("received", "status"), changes)


def settle_chunk(matcher: Matcher, items: list[Incoming], import_id: int | None) -> list[Settled]:
    """Store and settle new statement rows; returns each row's outcome, in order."""
    ledger.lock()  # twins and pledges are read under the chain lock
    codes = [matcher._codes(item) for item in items]
    pledges_by_code = _load_pledges({code for found in codes for code in found})
    # Only the twins are preloaded through the matcher (the pledges are known as plain rows
    # already): `Matcher.preload` would look for the codes a second time.
    matcher.twins.preload(item for item in items if matcher._counts(item))
    settled = [
        _decide(matcher, item, found, pledges_by_code)
        for item, found in zip(items, codes, strict=True)
    ]
    _record([s for s in settled if s.status == TxStatus.matched])
    received_at = utcnow()
    rows = []
    for s in settled:
        item = s.item
        # "" for a matched row: nothing to translate or freeze.
        plain = s.note if isinstance(s.note, str) else None
        rows.append(
            (
                item.provider,
                item.provider_id,
                item.direction,
                _digits(item.account_number),
                item.amount,
                item.memo or "",
                (item.bank_reference or "")[:120],
                item.occurred_at,
                _dedupe_key(item),
                s.twin_of_id,
                s.maybe_twin_of_id,
                s.status.value,
                plain[:300] if plain is not None else stored_text.vietnamese(s.note)[:300],
                None if plain is not None else stored_text.freeze(s.note),
                s.pledge.id if s.pledge is not None else None,
                s.donation_id,
                import_id,
                item.raw or {},
                received_at,
                0,
            )
        )
    insert_rows(table_of(BankTransaction), _BANK_COLUMNS, rows)
    db.session.flush()
    return settled
