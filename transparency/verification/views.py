"""The verification page (/xac-minh) and the proof page of one entry (/xac-minh/<seq>)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from markupsafe import Markup

from app import uow
from app.extensions import db
from app.ledger.models import LedgerEntry
from transparency.verification import services, signing, tree

bp = Blueprint("verification", __name__)


@bp.get("/xac-minh")
@uow.transactional
def index():
    """What the head, the root, the proofs and the signed heads are, and where to get them."""
    try:
        public_key = signing.public_key_hex()
    except signing.SigningKeyMissing:
        public_key = ""
    return render_template(
        "transparency/verification/index.html",
        head=services.head(),
        heads=services.signed_heads(limit=14),
        public_key=public_key,
    )


@bp.get("/xac-minh/<int:seq>")
@uow.transactional
def entry(seq: int):
    """One entry with its signed head and its inclusion proof, checked in the browser."""
    size = tree.current()[0]
    found = db.session.get(LedgerEntry, seq) if 1 <= seq <= size else None
    if found is None:
        abort(404)
    return render_template(
        "transparency/verification/entry.html",
        entry=found,
        record=services.export_record(found),
        box=proof_box(seq),
    )


def proof_box(seq: int | None) -> Markup:
    """The block that names the entry, its signed head, links its proof and checks it in the
    browser (static/js/ledger_proof.js); receipt check pages include it."""
    if not seq:
        return Markup("")
    signed = services.head_covering(seq)
    known = tree.current()
    size = signed.tree_size if signed else known[0]
    if seq > size:
        return Markup("")
    return Markup(  # noqa: S704 - a rendered template, escaped by Jinja
        render_template(
            "transparency/verification/_proof_box.html",
            seq=seq,
            signed=signed,
            tree_size=size,
            root=signed.root if signed else known[1],
        )
    )
