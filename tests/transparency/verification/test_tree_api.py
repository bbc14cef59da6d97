"""The stored tree against the chain, and the public proof API (DESIGN.md §8)."""

from __future__ import annotations

import json

from sqlalchemy import text

from app.extensions import db
from app.ledger import service as ledger
from app.ledger.models import LedgerEntry
from tests.race import pause_first_call, postgres_only, race
from tests.transparency.verification import reference
from transparency.verification import merkle, tree
from transparency.verification.models import MerkleState


def _leaves() -> list[bytes]:
    entries = db.session.query(LedgerEntry).order_by(LedgerEntry.seq).all()
    return [tree.leaf_of(e) for e in entries]


def test_tree_grows_with_the_chain_and_answers_every_proof_up_to_64(app, campaign, give):
    sizes = []
    for i in range(64):
        give(campaign, 100_000 + i, label=f"Nhà hảo tâm {i}")
        if i % 5 in (0, 3):  # grow the tree one entry and several entries at a time
            sizes.append(tree.sync())
    tree.sync()
    leaves = _leaves()
    n_all = len(leaves)
    assert n_all >= 64 and tree.tree_size() == n_all
    assert sizes == sorted(sizes) and len(set(sizes)) == len(sizes)
    for n in range(1, 65):
        part = leaves[:n]
        assert tree.root(n) == reference.mth(part).hex()
        for m in range(n):
            assert tree.inclusion(m, n) == [h.hex() for h in reference.path(m, part)]
        for m in range(1, n):
            assert tree.consistency(m, n) == [h.hex() for h in reference.proof(m, part)]


def test_head_and_inclusion_proof_verify_and_a_tampered_entry_does_not(client, campaign, give):
    for i in range(11):
        give(campaign, 200_000 + i)
    head = client.get("/api/v1/ledger/head").get_json()
    last = db.session.get(LedgerEntry, head["seq"])
    assert head["tree_size"] == head["seq"] and head["hash"] == last.hash
    assert head["root"] == reference.mth(_leaves()).hex()

    answer = client.get(f"/api/v1/ledger/proof/5?tree_size={head['tree_size']}").get_json()
    assert answer["leaf_index"] == 4 and answer["tree_size"] == head["tree_size"]
    assert answer["root"] == head["root"]
    leaf = answer["leaf"].encode()
    path = [bytes.fromhex(h) for h in answer["audit_path"]]
    root = merkle.root_from_inclusion(4, answer["tree_size"], merkle.leaf_hash(leaf), path)
    assert root.hex() == head["root"]
    tampered = leaf.replace(b'"amount":200004', b'"amount":2000040')
    assert tampered != leaf
    bad = merkle.root_from_inclusion(4, answer["tree_size"], merkle.leaf_hash(tampered), path)
    assert bad.hex() != head["root"]


def test_proofs_for_an_older_tree_and_consistency(client, campaign, give):
    for i in range(6):
        give(campaign, 50_000 + i)
    old = client.get("/api/v1/ledger/head").get_json()
    for i in range(7):
        give(campaign, 70_000 + i)
    new = client.get("/api/v1/ledger/head").get_json()
    assert new["tree_size"] == old["tree_size"] + 7 and new["root"] != old["root"]

    older = client.get(f"/api/v1/ledger/proof/3?tree_size={old['tree_size']}").get_json()
    assert older["root"] == old["root"]

    body = client.get(
        f"/api/v1/ledger/consistency?first={old['tree_size']}&second={new['tree_size']}"
    ).get_json()
    assert body["first"] == old["tree_size"] and body["second"] == new["tree_size"]
    proof = [bytes.fromhex(h) for h in body["proof"]]
    assert merkle.verify_consistency(
        old["tree_size"],
        new["tree_size"],
        bytes.fromhex(old["root"]),
        bytes.fromhex(new["root"]),
        proof,
    )
    default = client.get(f"/api/v1/ledger/consistency?first={old['tree_size']}").get_json()
    assert default["second"] == new["tree_size"]


def test_bad_proof_requests_get_json_errors(client, campaign, give):
    give(campaign, 10_000)
    size = client.get("/api/v1/ledger/head").get_json()["tree_size"]
    cases = {
        f"/api/v1/ledger/proof/{size + 5}": 404,
        "/api/v1/ledger/proof/0": 404,
        f"/api/v1/ledger/proof/1?tree_size={size + 1}": 400,
        "/api/v1/ledger/proof/1?tree_size=abc": 400,
        "/api/v1/ledger/consistency": 400,
        f"/api/v1/ledger/consistency?first={size + 1}": 400,
        "/api/v1/ledger/consistency?first=-1": 400,
        f"/api/v1/ledger/consistency?first=1&second={size + 9}": 400,
    }
    for url, status in cases.items():
        answer = client.get(url)
        assert answer.status_code == status, url
        assert answer.get_json()["error"]["message"], url


def test_export_streams_every_entry_as_json_lines(client, campaign, give):
    give(campaign, 30_000, label="Trần Thị Bé")
    ledger.post(
        source=campaign.account,
        destination="world",
        asset="VND",
        amount=5_000,
        kind="refund",
        ref="TSTEST9999",
        idempotency_key="test:refund:1",
    )
    db.session.commit()
    response = client.get("/api/v1/ledger/export.jsonl")
    assert response.status_code == 200 and response.mimetype == "application/x-ndjson"
    assert response.is_streamed  # read after the view returned, outside its request
    lines = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert [r["seq"] for r in lines] == list(range(1, len(lines) + 1))
    assert lines[-1]["kind"] == "refund" and lines[-1]["amount"] == 5_000
    assert set(lines[0]) == {
        "seq",
        "at",
        "kind",
        "source",
        "destination",
        "asset",
        "amount",
        "ref",
        "prev_hash",
        "hash",
    }
    assert "Trần Thị Bé" not in response.get_data(as_text=True)  # labels stay outside


def test_merkle_sync_command_grows_the_tree_in_chunks(app, campaign, give):
    for i in range(7):
        give(campaign, 1_000 + i)
    out = app.test_cli_runner().invoke(args=["ledger", "merkle-sync", "--chunk", "3"])
    assert out.exit_code == 0, out.output
    sizes = [int(line) for line in out.output.split()]
    assert sizes == sorted(sizes) and sizes[-1] == tree.chain_size() == tree.tree_size()
    assert tree.root(sizes[-1]) == reference.mth(_leaves()).hex()


def test_verify_tree_recomputes_the_root_and_catches_an_altered_entry(app, campaign, give):
    for i in range(5):
        give(campaign, 3_000 + i)
    tree.sync()
    db.session.commit()
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["ledger", "verify-tree"])
    assert ok.exit_code == 0 and ok.output.startswith("OK tree of")
    db.session.execute(text("UPDATE ledger_entries SET amount = 99 WHERE seq = 2"))
    db.session.commit()
    bad = runner.invoke(args=["ledger", "verify-tree"])
    assert bad.exit_code == 1 and "MISMATCH" in bad.output


@postgres_only
def test_two_first_head_requests_at_once_both_answer(app, campaign, give, monkeypatch):
    """The tree's state row does not exist yet: both requests would create it; one must wait
    for the other instead of failing on the duplicate key."""
    give(campaign, 5_000)
    give(campaign, 7_000)
    db.session.commit()
    assert db.session.get(MerkleState, 1) is None
    entered = pause_first_call(monkeypatch, merkle, "leaf_hash")  # the first holds the new row
    first, second = race(
        lambda: app.test_client().get("/api/v1/ledger/head"),
        lambda: app.test_client().get("/api/v1/ledger/head"),
        entered,
    )
    assert first.status_code == second.status_code == 200
    assert first.get_json()["root"] == second.get_json()["root"]
    db.session.expire_all()
    assert db.session.get(MerkleState, 1).size == first.get_json()["tree_size"]
