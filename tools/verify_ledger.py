#!/usr/bin/env python3
"""Independent checker of the published ledger (DESIGN.md §4, §8), standard library only.

Usage:
  python3 tools/verify_ledger.py [so-cai.jsonl] [--root] [--head head.json]
                                 [--heads heads.json] [--proof proof.json] [--public-key HEX]
  flask ledger export | python3 tools/verify_ledger.py

It checks, from the downloads of the verification page:
  * the hash chain of the JSON Lines export (seq 1, 2, 3… without gaps, each prev_hash and hash);
  * the RFC 9162 Merkle root over the entries (and, with --head, the published head);
  * with --heads, every signed daily head: its root against the export, and its Ed25519
    signature over "<date>|<tree_size>|<root>" (Ed25519 written out below from RFC 8032 §6);
  * with --proof, an inclusion proof (GET /api/v1/ledger/proof/<seq>): the entry's leaf, its
    audit path to the root, and that root against the export and the signed heads.

It shares no code with the application on purpose: anyone can read it and check the fund's
published statement without trusting the fund's software. Exit status 0 when all is well.
"""

import argparse
import hashlib
import json
import sys
import unicodedata

KEYS = ("seq", "at", "kind", "source", "destination", "asset", "amount", "ref")


def canonical(record: dict) -> str:
    body = {}
    for key in KEYS:
        value = record[key]
        body[key] = unicodedata.normalize("NFC", value) if isinstance(value, str) else value
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# ---- RFC 9162 §2.1 Merkle tree ----


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


class Frontier:
    """The complete subtrees on the right edge of a growing tree: O(log n) memory."""

    def __init__(self) -> None:
        self.stack: list[tuple[int, bytes]] = []  # (level, hash), largest first
        self.size = 0

    def add(self, leaf: bytes) -> None:
        level, cur = 0, leaf_hash(leaf)
        while self.stack and self.stack[-1][0] == level:
            cur = node_hash(self.stack.pop()[1], cur)
            level += 1
        self.stack.append((level, cur))
        self.size += 1

    def root(self) -> bytes:
        if not self.stack:
            return hashlib.sha256(b"").digest()
        acc = self.stack[-1][1]
        for _, h in reversed(self.stack[:-1]):
            acc = node_hash(h, acc)
        return acc


def root_from_inclusion(index: int, size: int, leaf: bytes, path: list) -> bytes | None:
    """RFC 9162 §2.1.3.2."""
    if index >= size:
        return None
    fn, sn, r = index, size - 1, leaf_hash(leaf)
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


# ---- Ed25519 signature check, RFC 8032 §6 ----

P = 2**255 - 19
Q = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)


def _add(a, b):
    e1, e2 = (a[1] - a[0]) * (b[1] - b[0]) % P, (a[1] + a[0]) * (b[1] + b[0]) % P
    c, d = 2 * a[3] * b[3] * D % P, 2 * a[2] * b[2] % P
    e, f, g, h = e2 - e1, d - c, d + c, e2 + e1
    return (e * f, g * h, f * g, e * h)


def _mul(s, pt):
    acc = (0, 1, 1, 0)
    while s > 0:
        if s & 1:
            acc = _add(acc, pt)
        pt = _add(pt, pt)
        s >>= 1
    return acc


def _x(y, sign):
    if y >= P:
        return None
    x2 = (y * y - 1) * pow(D * y * y + 1, P - 2, P)
    if x2 % P == 0:
        return None if sign else 0
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P:
        x = x * SQRT_M1 % P
    if (x * x - x2) % P:
        return None
    return P - x if (x & 1) != sign else x


def _point(raw: bytes):
    y = int.from_bytes(raw, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    x = _x(y, sign)
    return None if x is None else (x, y, 1, x * y % P)


_GY = 4 * pow(5, P - 2, P) % P
_G = (_x(_GY, 0), _GY, 1, _x(_GY, 0) * _GY % P)


def ed25519_verify(public: bytes, message: bytes, signature: bytes) -> bool:
    if len(public) != 32 or len(signature) != 64:
        return False
    a, r = _point(public), _point(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= Q:
        return False
    h = int.from_bytes(hashlib.sha512(signature[:32] + public + message).digest(), "little") % Q
    left, right = _mul(s, _G), _add(r, _mul(h, a))
    return (left[0] * right[2] - right[0] * left[2]) % P == 0 and (
        left[1] * right[2] - right[1] * left[2]
    ) % P == 0


# ---- the checks ----


class Broken(Exception):
    """The chain breaks at an entry."""


def check_chain(lines, wanted_sizes: set) -> tuple[int, str, bytes, dict]:
    """Chain and Merkle root of the export; roots at the sizes asked for on the way."""
    prev, count, tree, roots = "0" * 64, 0, Frontier(), {}
    for line in lines:
        if not line.strip():
            continue
        record = json.loads(line)
        count += 1
        body = canonical(record)
        digest = hashlib.sha256((prev + body).encode("utf-8")).hexdigest()
        if record["seq"] != count or record["prev_hash"] != prev or record["hash"] != digest:
            raise Broken(f"BROKEN at seq {record['seq']}")
        prev = digest
        tree.add(body.encode("utf-8"))
        if count in wanted_sizes:
            roots[count] = tree.root().hex()
    roots[count] = tree.root().hex()
    return count, prev, tree.root(), roots


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("export", nargs="?", help="JSON Lines export (default: standard input)")
    ap.add_argument("--head", help="GET /api/v1/ledger/head saved as a file")
    ap.add_argument("--heads", help="GET /api/v1/ledger/heads saved as a file")
    ap.add_argument("--proof", help="GET /api/v1/ledger/proof/<seq> saved as a file")
    ap.add_argument("--public-key", help="the fund's published Ed25519 key (hex)")
    ap.add_argument("--root", action="store_true", help="also print the Merkle root")
    ap.add_argument("--no-export", action="store_true", help="check only --proof and --heads")
    args = ap.parse_args(argv)

    def load(path):
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)

    head = load(args.head) if args.head else None
    heads = load(args.heads) if args.heads else None
    proof = load(args.proof) if args.proof else None
    failures = []

    signed = {}
    if heads is not None:
        key = args.public_key or heads.get("public_key") or ""
        for h in heads["heads"]:
            message = f"{h['date']}|{h['tree_size']}|{h['root']}".encode("ascii")
            good = ed25519_verify(
                bytes.fromhex(h.get("public_key") or key), message, bytes.fromhex(h["signature"])
            )
            if args.public_key and h.get("public_key", key) != args.public_key:
                good = False
            if not good:
                failures.append(f"signed head of {h['date']}: signature does not verify")
            signed[h["tree_size"]] = h
        print(f"{len(heads['heads'])} signed heads checked")

    roots = {}
    if not args.no_export:
        wanted = set(signed) | ({proof["tree_size"]} if proof else set())
        try:
            if args.export:
                with open(args.export, encoding="utf-8") as source:
                    count, last, root, roots = check_chain(source, wanted)
            else:
                count, last, root, roots = check_chain(sys.stdin, wanted)
        except Broken as err:
            print(err)
            return 1
        print(f"OK {count} entries, head {last}")
        if args.root or head or heads or proof:
            print(f"Merkle root {root.hex()}")
        if head is not None and (head["tree_size"], head["root"], head["hash"]) != (
            count,
            root.hex(),
            last,
        ):
            failures.append("the published head differs from the export")
        for size, h in signed.items():
            if size in roots and roots[size] != h["root"]:
                failures.append(f"signed head of {h['date']}: root differs from the export")

    if proof is not None:
        leaf = canonical(proof["entry"]).encode("utf-8")
        path = [bytes.fromhex(x) for x in proof["audit_path"]]
        got = root_from_inclusion(proof["leaf_index"], proof["tree_size"], leaf, path)
        expected = roots.get(proof["tree_size"]) or proof["root"]
        if proof["leaf_index"] != proof["entry"]["seq"] - 1 or got is None or got.hex() != expected:
            failures.append(f"inclusion proof of entry {proof['entry']['seq']} does not verify")
        elif proof["tree_size"] in signed and signed[proof["tree_size"]]["root"] != got.hex():
            failures.append("inclusion proof leads to a root that no signed head carries")
        else:
            where = "a signed head" if proof["tree_size"] in signed else "the root"
            print(f"Proof OK: entry {proof['entry']['seq']} is in {where} of {proof['tree_size']}")

    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
