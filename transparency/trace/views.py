"""/truy-vet/<reference>: where a gift's money went, in words a donor reads on a phone."""

from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, abort, redirect, render_template, request, url_for

from app import uow
from app.errors import NotFound
from app.extensions import client_ip, limiter
from transparency.trace import services
from transparency.trace.services import TRACE_LIMIT

bp = Blueprint("trace", __name__)


@bp.get("/truy-vet")
def search():
    """The form's target: go to the trace of the reference typed."""
    reference = (request.args.get("ma") or "").strip()
    if not reference:
        return render_template("transparency/trace/search.html", reference="", missing=False)
    return redirect(url_for("trace.page", reference=reference[:80]))


@bp.get("/truy-vet/<path:reference>")
@limiter.limit(TRACE_LIMIT, key_func=client_ip)
@uow.transactional  # the trace catches the stored attribution up and keeps it
def page(reference: str):
    try:
        result = services.trace(reference)
    except NotFound:
        return render_template(
            "transparency/trace/search.html", reference=reference[:80], missing=True
        ), 404
    if not result:
        abort(404)
    return render_template(
        "transparency/trace/page.html",
        trace=result,
        labels=services.USE_LABELS,
        when=_when,
        used=_used(result),
    )


def _when(value: str | None) -> datetime | date | None:
    """An API time ("…Z") or date string as a datetime / date for the templates' filters."""
    if not value:
        return None
    if "T" in value:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return date.fromisoformat(value)


def _used(result: dict) -> dict[str, int]:
    out: dict[str, int] = {}
    for use in result["uses"]:
        out[use["asset"]] = out.get(use["asset"], 0) + use["amount"]
    return out


def trace_url(reference: str | None) -> str:
    return url_for("trace.page", reference=reference) if reference else ""
