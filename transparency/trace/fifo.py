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
from dataclasses import dataclass, field

GIFT_KINDS = ("donation", "in_kind")


@dataclass(frozen=True)
class Move:
    """The columns of a ledger entry that attribution needs."""

    seq: int
    source: str
    destination: str
    amount: int
    kind: str
    ref: str
    reverses_seq: int | None


@dataclass
class Lot:
    seq: int
    amount: int
    ref: str
    gift: bool
    remaining: int = 0
    uses: dict[int, int] = field(default_factory=dict)  # outflow seq → amount taken

    def __post_init__(self) -> None:
        self.remaining = self.amount


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

    def replay(self, moves) -> Attribution:
        for move in moves:
            if move.destination == self.account:
                self._inflow(move)
            elif move.source == self.account:
                self._outflow(move)
        return self

    def _inflow(self, move: Move) -> None:
        if move.reverses_seq is not None and move.reverses_seq in self.taken:
            for index, amount in self.taken.pop(move.reverses_seq):
                lot = self.lots[index]
                lot.remaining += amount
                left = lot.uses.get(move.reverses_seq, 0) - amount
                if left > 0:
                    lot.uses[move.reverses_seq] = left
                else:
                    lot.uses.pop(move.reverses_seq, None)
                self.head = min(self.head, index)
            return
        gift = move.source == "world" and move.kind in GIFT_KINDS
        self.lots.append(Lot(move.seq, move.amount, move.ref, gift))
        index = len(self.lots) - 1
        self.by_seq[move.seq] = index
        if gift and move.ref:
            self.by_ref[move.ref].append(index)

    def _named_gift(self, move: Move) -> int | None:
        if move.destination != "world":
            return None
        if move.reverses_seq is not None and move.reverses_seq in self.by_seq:
            return self.by_seq[move.reverses_seq]
        if move.kind in ("refund", "chargeback", "reversal") and move.ref in self.by_ref:
            candidates = self.by_ref[move.ref]
            holding = [i for i in candidates if self.lots[i].remaining]
            return (holding or candidates)[0]
        return None

    def _take(self, index: int, move: Move, amount: int) -> int:
        lot = self.lots[index]
        part = min(lot.remaining, amount)
        if part:
            lot.remaining -= part
            lot.uses[move.seq] = lot.uses.get(move.seq, 0) + part
            self.taken.setdefault(move.seq, []).append((index, part))
        return part

    def _outflow(self, move: Move) -> None:
        left = move.amount
        named = self._named_gift(move)
        if named is not None:
            left -= self._take(named, move, left)
        index = self.head
        while left and index < len(self.lots):
            left -= self._take(index, move, left)
            if self.lots[index].remaining == 0 and index == self.head:
                self.head += 1
            index += 1
        # `left` > 0 cannot happen on a valid ledger: no campaign account goes below zero.
