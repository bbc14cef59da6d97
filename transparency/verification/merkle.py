"""RFC 9162 §2.1 Merkle tree over the ledger (DESIGN.md §8): hashes, proofs and their checks.

Leaf i is the canonical UTF-8 form of entry seq = i + 1; leaf hash SHA-256(0x00 ‖ leaf), node
hash SHA-256(0x01 ‖ left ‖ right), the empty tree SHA-256("").

The tree is stored as its *complete* subtrees: node (level L, index j) is the hash of leaves
j·2^L … (j+1)·2^L − 1. Any range the RFC's recursion asks for is a run of such nodes of
decreasing size, so a root or a proof needs O(log² n) stored hashes, never the leaves. The
functions here take a `fetch` callable that returns the hashes of the (level, index) pairs
they ask for, in one call: the database answers with one query.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

Node = tuple[int, int]
Fetch = Callable[[set[Node]], dict[Node, bytes]]
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def chunks(start: int, end: int) -> list[Node]:
    """The complete, aligned subtrees that make up leaves start … end − 1, largest first."""
    out = []
    while start < end:
        level = (start & -start).bit_length() - 1 if start else (end - start).bit_length()
        while (1 << level) > end - start:
            level -= 1
        out.append((level, start >> level))
        start += 1 << level
    return out


def _fold(hashes: Sequence[bytes]) -> bytes:
    """Fold complete subtrees of decreasing size from the right (the RFC's split rule)."""
    acc = hashes[-1]
    for h in reversed(hashes[:-1]):
        acc = node_hash(h, acc)
    return acc


def inclusion_ranges(m: int, n: int) -> list[tuple[int, int]]:
    """The leaf ranges whose hashes form PATH(m, D[0:n]) (RFC 9162 §2.1.3.1), in order."""
    out: list[tuple[int, int]] = []
    start = 0
    while n - start > 1:
        k = split(n - start)
        if m - start < k:
            out.append((start + k, n))
            n = start + k
        else:
            out.append((start, start + k))
            start += k
    out.reverse()
    return out


def consistency_ranges(m: int, n: int) -> list[tuple[int, int]]:
    """The leaf ranges whose hashes form PROOF(m, D[0:n]) (RFC 9162 §2.1.4.1), in order."""
    out: list[tuple[int, int]] = []
    start, first = 0, True
    size_m = m
    while True:
        size = n - start
        if size_m == size:
            if not first:
                out.append((start, n))
            break
        k = split(size)
        if size_m <= k:
            out.append((start + k, n))
            n = start + k
        else:
            out.append((start, start + k))
            start += k
            size_m -= k
            first = False
    out.reverse()
    return out


def hashes_of(ranges: Iterable[tuple[int, int]], fetch: Fetch) -> list[bytes]:
    """The MTH of each range, from the stored complete subtrees fetched in one call."""
    ranges = list(ranges)
    parts = [chunks(a, b) for a, b in ranges]
    known = fetch({node for p in parts for node in p})
    return [_fold([known[node] for node in p]) for p in parts]


def root(n: int, fetch: Fetch) -> bytes:
    return EMPTY_ROOT if n == 0 else hashes_of([(0, n)], fetch)[0]


# ---- checks (what a verifier runs; the same steps as tools/verify_ledger.py and static/js) ----


def root_from_inclusion(index: int, size: int, leaf: bytes, path: Sequence[bytes]) -> bytes | None:
    """RFC 9162 §2.1.3.2: the root that the audit path yields, or None if it cannot fit."""
    if index >= size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2."""
    if first > second:
        return False
    if first == second:
        return not proof and first_root == second_root
    if first == 0:
        return not proof
    path = list(proof)
    if first & (first - 1) == 0:  # a power of two: the first root is the first node
        path.insert(0, first_root)
    if not path:
        return False
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_root and sr == second_root
