"""`GET /api/v1/trace/<reference>` (DESIGN.md §8)."""

from __future__ import annotations

from flask import Blueprint, jsonify

from app import uow
from app.extensions import client_ip, limiter
from transparency.trace import services
from transparency.trace.services import TRACE_LIMIT

bp = Blueprint("trace_api", __name__, url_prefix="/api/v1/trace")


@bp.get("/<path:reference>")
@limiter.limit(TRACE_LIMIT, key_func=client_ip)
@uow.transactional  # the trace catches the stored attribution up and keeps it
def trace(reference: str):
    """The gifts of a pledge reference or receipt number and where their money went."""
    return jsonify(services.trace(reference))
