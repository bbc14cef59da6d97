"""The RFC 9162 tree, its proofs and their checks against an independent implementation."""

from __future__ import annotations

import pytest

from tests.transparency.verification import reference
from transparency.verification import merkle

CT_LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]


def memory_fetch(leaves: list[bytes]):
    """Every complete subtree of `leaves`, as the database stores them."""
    nodes = {(0, i): merkle.leaf_hash(leaf) for i, leaf in enumerate(leaves)}
    level = 0
    while True:
        count = len(leaves) >> (level + 1)
        if not count:
            break
        for j in range(count):
            nodes[(level + 1, j)] = merkle.node_hash(
                nodes[(level, 2 * j)], nodes[(level, 2 * j + 1)]
            )
        level += 1

    def fetch(wanted):
        return {node: nodes[node] for node in wanted}

    return fetch


def test_certificate_transparency_reference_root():
    fetch = memory_fetch(CT_LEAVES)
    assert merkle.root(8, fetch).hex() == (
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
    )
    assert reference.mth(CT_LEAVES).hex() == merkle.root(8, fetch).hex()
    assert merkle.root(0, fetch).hex() == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )


LEAVES = [f"leaf {i} · Nguyễn".encode() for i in range(64)]
FETCH = memory_fetch(LEAVES)


@pytest.mark.parametrize("n", range(1, 65))
def test_roots_and_proofs_match_the_rfc_for_every_size(n):
    leaves = LEAVES[:n]
    root = reference.mth(leaves)
    assert merkle.root(n, FETCH) == root
    for m in range(n):
        path = merkle.hashes_of(merkle.inclusion_ranges(m, n), FETCH)
        assert path == reference.path(m, leaves)
        assert merkle.root_from_inclusion(m, n, merkle.leaf_hash(leaves[m]), path) == root
        # a leaf that is not the one proved, or the wrong index, does not reach the root
        assert merkle.root_from_inclusion(m, n, merkle.leaf_hash(b"tampered"), path) != root
        if n > 1:
            assert (
                merkle.root_from_inclusion((m + 1) % n, n, merkle.leaf_hash(leaves[m]), path)
                != root
            )
    for m in range(1, n + 1):
        proof = merkle.hashes_of(merkle.consistency_ranges(m, n), FETCH) if m < n else []
        assert proof == (reference.proof(m, leaves) if m < n else [])
        first = reference.mth(leaves[:m])
        assert merkle.verify_consistency(m, n, first, root, proof)
        if m < n:
            assert not merkle.verify_consistency(m, n, reference.mth([b"x"] * m), root, proof)
            assert not merkle.verify_consistency(m, n, first, reference.mth([b"x"] * n), proof)


def test_chunks_cover_ranges_with_aligned_complete_subtrees():
    assert merkle.chunks(0, 7) == [(2, 0), (1, 2), (0, 6)]
    assert merkle.chunks(8, 13) == [(2, 2), (0, 12)]
    assert merkle.chunks(0, 0) == []
