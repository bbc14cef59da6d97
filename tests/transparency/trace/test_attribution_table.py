"""The stored attribution gives every gift the same uses as a replay of the whole ledger, however
often it is caught up, and a trace reads it instead of replaying."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select, update

from app.extensions import db
from app.ledger import service as ledger
from app.ledger.models import LedgerEntry
from transparency.trace import attribution
from transparency.trace.fifo import Attribution
from transparency.trace.models import TraceLot, TraceState

ACCOUNTS = ("campaign:quy-a", "campaign:quy-b")
REFS = [f"TSREF{n:03d}" for n in range(12)]


def _post(n: str, source: str, destination: str, amount: int, kind: str, asset="VND", **kw):
    return ledger.post(
        source=source,
        destination=destination,
        asset=asset,
        amount=amount,
        kind=kind,
        ref=kw.pop("ref", f"R{n}"),
        idempotency_key=f"attr:{n}",
        **kw,
    ).entry


def _random_ledger(rng: random.Random, steps: int, catch_ups: float, tag: str = "a") -> None:
    """Gifts, uses, refunds, chargebacks, reversals of gifts and of uses, moves between funds."""
    gifts: list[LedgerEntry] = []
    outflows: list[LedgerEntry] = []
    for step in range(steps):
        n = f"{tag}{step}"
        account = rng.choice(ACCOUNTS)
        asset = "VND" if rng.random() < 0.85 else "RICE_G"
        have = ledger.balance(account, asset)
        roll = rng.random()
        if roll < 0.4 or have < 10:
            kind = "donation" if asset == "VND" else "in_kind"
            ref = rng.choice(REFS) if rng.random() < 0.6 else f"TSONE{n}"
            gifts.append(_post(n, "world", account, rng.randint(1, 50) * 10, kind, asset, ref=ref))
        elif roll < 0.7:
            dest = rng.choice(("student:HS-A", "student:HS-B", "expense:quy", "fees:stripe"))
            kind = {"s": "allocation", "e": "purchase", "f": "fee"}[dest[0]]
            outflows.append(_post(n, account, dest, rng.randint(1, have), kind, asset))
        elif roll < 0.78:
            kind = rng.choice(("refund", "chargeback"))
            amount = rng.randint(1, min(have, 200))
            _post(n, account, "world", amount, kind, asset, ref=rng.choice(REFS))
        elif roll < 0.84:
            mine = [
                g
                for g in gifts
                if g.destination == account
                and g.asset == asset
                and g.amount <= have
                and not _reversed(g.seq)
            ]
            if mine:
                ledger.reverse(rng.choice(mine), idempotency_key=f"attr:{n}:rev")
        elif roll < 0.92:
            back = [o for o in outflows if not _reversed(o.seq)]
            back = [o for o in back if ledger.balance(o.destination, o.asset) >= o.amount]
            if back:
                ledger.reverse(rng.choice(back), idempotency_key=f"attr:{n}:rev")
        else:
            other = ACCOUNTS[1 - ACCOUNTS.index(account)]
            outflows.append(_post(n, account, other, rng.randint(1, have), "reallocation", asset))
        if rng.random() < catch_ups:
            attribution.catch_up(rng.choice(ACCOUNTS), rng.choice(("VND", "RICE_G")))
        if rng.random() < 0.1:
            db.session.commit()
    db.session.commit()


def _reversed(seq: int) -> bool:
    found = db.session.execute(select(LedgerEntry.seq).where(LedgerEntry.reverses_seq == seq))
    return found.first() is not None


def _assert_table_equals_replay() -> int:
    checked = 0
    for account in ACCOUNTS:
        for asset in ("VND", "RICE_G"):
            attribution.catch_up(account, asset)
            replay = Attribution(account).replay(attribution.moves(account, asset))
            stored = {
                lot.seq: lot.remaining
                for lot in db.session.execute(
                    select(TraceLot).where(TraceLot.account == account, TraceLot.asset == asset)
                ).scalars()
            }
            assert stored == {lot.seq: lot.remaining for lot in replay.lots}
            for lot in replay.lots:
                uses, remaining = attribution.uses_of(account, asset, [lot.seq])
                assert (uses, remaining) == (lot.uses, lot.remaining), (account, asset, lot.seq)
                checked += 1
    return checked


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_random_ledgers_give_the_table_the_replays_attribution(app, seed, monkeypatch):
    replays = []
    rebuild = attribution.rebuild
    monkeypatch.setattr(attribution, "rebuild", lambda state: replays.append(1) or rebuild(state))
    rng = random.Random(seed)
    _random_ledger(rng, steps=160, catch_ups=0.15 if seed % 2 else 0.5)
    assert _assert_table_equals_replay() > 40
    # More entries after the table was complete: applied one by one, then checked again.
    _random_ledger(random.Random(seed + 100), steps=60, catch_ups=0.3, tag="b")
    assert _assert_table_equals_replay()
    assert len(replays) <= 4  # once per account and asset; every later entry was applied


def test_too_many_entries_since_or_a_rewritten_ledger_replay_instead(app, monkeypatch):
    _random_ledger(random.Random(9), steps=80, catch_ups=0.2)
    assert _assert_table_equals_replay()
    monkeypatch.setattr(attribution, "APPLY_AT_MOST", 3)
    _random_ledger(random.Random(10), steps=40, catch_ups=0.0, tag="b")
    assert _assert_table_equals_replay()  # replayed: 40 entries since is more than 3
    # The entry at the stored position is not the one the table saw (a restored database):
    # the stored rows are not trusted, the account is replayed.
    db.session.execute(update(TraceState).values(upto_hash="f" * 64))
    db.session.execute(update(TraceLot).values(remaining=0))
    db.session.commit()
    assert _assert_table_equals_replay()


def test_a_trace_reads_the_table_and_keeps_it_caught_up(client, campaign, give):
    first = give(campaign, 300_000)
    give(campaign, 200_000)
    db.session.commit()
    body = client.get(f"/api/v1/trace/{first.ref}").get_json()
    assert body["uses"] == [] and body["unattributed"] == {"VND": 300_000}
    state = db.session.execute(select(TraceState)).scalar_one()
    assert state.upto_seq == ledger.head()[0]  # kept by the request's commit

    ledger.post(
        source=campaign.account,
        destination="student:HS-T1",
        asset="VND",
        amount=350_000,
        kind="allocation",
        ref="RD-T1",
        idempotency_key="attr:alloc",
    )
    db.session.commit()
    body = client.get(f"/api/v1/trace/{first.ref}").get_json()
    assert [(u["kind"], u["amount"]) for u in body["uses"]] == [("allocation", 300_000)]
    assert body["unattributed"] == {"VND": 0}
    second = db.session.execute(select(TraceLot).where(TraceLot.seq != first.seq)).scalar_one()
    assert second.remaining == 150_000  # FIFO: the older gift is used first
