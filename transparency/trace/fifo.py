"""First-in first-out attribution of a campaign's outflows to its inflows (DESIGN.md §8, trace).

Within one campaign account and one asset, every inflow is a lot; each outflow takes from the
oldest lots that still hold something. Two exceptions keep the story true:

* a return that names a gift (a reversal of it, or a refund or chargeback carrying its
  reference) is taken from that gift first;
* a reversal of an outflow (an allocation, a fee, a chargeback won back) gives its amount back
  to the lots it had taken from, so a cancelled use no longer counts against a gift.

So for every lot, Σ uses + what it still holds = its amount.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

GIFT_KINDS = ("donation", "in_kind")


class Move(NamedTuple):
    """The columns of a ledger entry that attribution needs (a database row fits as it is)."""

    seq: int
    source: str
    destination: str
    amount: int
    kind: str
    ref: str
    reverses_seq: int | None


class Lot:
    """One inflow: what is left of it, and which outflows took how much."""

    __slots__ = ("amount", "gift", "ref", "remaining", "seq", "uses")

    def __init__(self, seq: int, amount: int, ref: str, gift: bool) -> None:
        self.seq, self.amount, self.ref, self.gift = seq, amount, ref, gift
        self.remaining = amount
        self.uses: dict[int, int] = {}  # outflow seq → amount taken


def use_kind(dest: str) -> str:
    """allocation, expense, fee, returned or moved_out: where an outflow went."""
    if dest.startswith("student:"):
        return "allocation"
    if dest.startswith("expense:"):
        return "expense"
    if dest.startswith("fees:"):
        return "fee"
    if dest.startswith("campaign:"):
        return "moved_out"
    return "returned"


class Attribution:
    """Replays one account's moves in one asset, in seq order."""

    def __init__(self, account: str) -> None:
        self.account = account
        self.lots: list[Lot] = []
        self.by_seq: dict[int, int] = {}  # inflow seq → index in lots
        self.taken: dict[int, list[tuple[int, int]]] = {}  # outflow seq → [(lot index, amount)]
        self.by_ref: dict[str, list[int]] = defaultdict(list)
        self.head = 0

    def replay(self, moves: Iterable[tuple]) -> Attribution:
        account = self.account
        for move in moves:
            seq, source, destination, amount, kind, ref, reverses_seq = move
            if destination == account:
                if reverses_seq is not None and reverses_seq in self.taken:
                    self._restore(reverses_seq)
                    continue
                gift = source == "world" and kind in GIFT_KINDS
                self.by_seq[seq] = len(self.lots)
                if gift and ref:
                    self.by_ref[ref].append(len(self.lots))
                self.lots.append(Lot(seq, amount, ref, gift))
            elif source == account:
                self._outflow(seq, destination, amount, kind, ref, reverses_seq)
        return self

    def _restore(self, outflow_seq: int) -> None:
        for index, amount in self.taken.pop(outflow_seq):
            lot = self.lots[index]
            lot.remaining += amount
            left = lot.uses.get(outflow_seq, 0) - amount
            if left > 0:
                lot.uses[outflow_seq] = left
            else:
                lot.uses.pop(outflow_seq, None)
            self.head = min(self.head, index)

    def _named_gift(
        self, destination: str, kind: str, ref: str, reverses_seq: int | None
    ) -> int | None:
        if destination != "world":
            return None
        if reverses_seq is not None and reverses_seq in self.by_seq:
            return self.by_seq[reverses_seq]
        if kind in ("refund", "chargeback", "reversal") and ref in self.by_ref:
            candidates = self.by_ref[ref]
            holding = [i for i in candidates if self.lots[i].remaining]
            return (holding or candidates)[0]
        return None

    def _take(self, index: int, seq: int, amount: int) -> int:
        lot = self.lots[index]
        part = min(lot.remaining, amount)
        if part:
            lot.remaining -= part
            lot.uses[seq] = lot.uses.get(seq, 0) + part
            self.taken.setdefault(seq, []).append((index, part))
        return part

    def _outflow(
        self,
        seq: int,
        destination: str,
        amount: int,
        kind: str,
        ref: str,
        reverses_seq: int | None,
    ) -> None:
        left = amount
        named = self._named_gift(destination, kind, ref, reverses_seq)
        if named is not None:
            left -= self._take(named, seq, left)
        lots = self.lots
        while self.head < len(lots) and not lots[self.head].remaining:
            self.head += 1
        index = self.head
        while left and index < len(lots):
            if lots[index].remaining:
                left -= self._take(index, seq, left)
            index += 1
        # `left` > 0 cannot happen on a valid ledger: no campaign account goes below zero.
