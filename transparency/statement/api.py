"""`GET /api/v1/ledger` (DESIGN.md §8): the statement as JSON, newest first, keyset-paginated."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from transparency.statement.filters import FilterError, parse_filters
from transparency.statement.services import Row, page
from transparency.statement.views import caught_up

bp = Blueprint("statement_api", __name__, url_prefix="/api/v1/ledger")


def entry_json(row: Row) -> dict:
    e = row.entry
    return {
        "seq": e.seq,
        "at": e.at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "kind": e.kind,
        "source": e.source,
        "destination": e.destination,
        "asset": e.asset,
        "amount": e.amount,
        "ref": e.ref,
        "label": str(row.label),
        "campaign": row.campaign or None,
        "prev_hash": e.prev_hash,
        "hash": e.hash,
    }


@bp.get("")
def index():
    """Entries matching q, campaign, account, kind, asset, min, max, from, to; cursor, limit."""
    caught_up()
    try:
        filters = parse_filters(request.args)
    except FilterError as err:
        error = {"code": "invalid", "message": str(err.message), "field": err.field}
        return jsonify(error=error), 400
    result = page(filters)
    return jsonify(
        entries=[entry_json(r) for r in result.rows],
        next_cursor=None if result.next_cursor is None else str(result.next_cursor),
    )
