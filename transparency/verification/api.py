"""Public API v1 of verification (DESIGN.md §8): head, proofs, signed heads, JSON Lines export."""

from __future__ import annotations

import json

from flask import Blueprint, Response, jsonify, request
from flask_babel import lazy_gettext as _l

from app import uow
from app.errors import DomainError
from app.extensions import db
from transparency.verification import services, signing

bp = Blueprint("verification_api", __name__, url_prefix="/api/v1/ledger")


def _int(name: str, *, required: bool = False) -> int | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        if required:
            raise DomainError(_l("Thiếu tham số «%(name)s».", name=name), field=name)
        return None
    if not raw.isdigit() or len(raw) > 12:
        raise DomainError(_l("«%(name)s» phải là số nguyên không âm.", name=name), field=name)
    return int(raw)


@bp.get("/head")
@uow.transactional
def head():
    """`{seq, hash, at, tree_size, root}`."""
    return jsonify(services.head())


@bp.get("/proof/<int:seq>")
@uow.transactional
def proof(seq: int):
    """Inclusion proof of entry `seq` (RFC 9162 §2.1.3); `tree_size` defaults to the head."""
    return jsonify(services.inclusion_proof(seq, _int("tree_size")))


@bp.get("/consistency")
@uow.transactional
def consistency():
    """Consistency proof between two tree sizes (RFC 9162 §2.1.4)."""
    first = _int("first", required=True)
    second = _int("second")
    assert first is not None
    return jsonify(services.consistency_proof(first, second))


@bp.get("/heads")
def heads():
    """`{heads: [{date, tree_size, root, signature}], public_key}`, newest first."""
    rows = services.signed_heads()
    try:
        public_key = signing.public_key_hex()
    except signing.SigningKeyMissing:
        public_key = rows[0].public_key if rows else None
    return jsonify(heads=[services.head_record(r) for r in rows], public_key=public_key)


@bp.get("/export.jsonl")
def export():
    """Every entry, one JSON object a line, in seq order, streamed in batches."""

    engine = db.engine

    def lines():
        # Its own connection, no Flask context: the server reads the body after the view
        # returned, possibly in another context; rows come in batches, never all at once.
        with engine.connect() as conn:
            batch: list[str] = []
            for record in services.export_stream(conn):
                batch.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
                if len(batch) == 500:
                    yield "\n".join(batch) + "\n"
                    batch = []
            if batch:
                yield "\n".join(batch) + "\n"

    response = Response(lines(), mimetype="application/x-ndjson")
    response.headers["Content-Disposition"] = 'attachment; filename="so-cai.jsonl"'
    return response
