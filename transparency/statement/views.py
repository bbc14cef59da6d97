"""The public statement page `/sao-ke` and its CSV / XLSX downloads."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from urllib.parse import quote

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_babel import force_locale, get_locale

from app import uow
from app.ledger.service import KINDS
from transparency.statement import aggregates, exports
from transparency.statement.filters import FilterError, Filters, parse_filters
from transparency.statement.indexing import catch_up
from transparency.statement.services import KIND_LABELS, choices, page, totals

bp = Blueprint("statement", __name__)
TRACEABLE = ("donation", "in_kind")


def trace_url(ref: str) -> str:
    """The trace page of a gift (built by the trace sub-package; a plain path on purpose)."""
    return "/truy-vet/" + quote(ref, safe="")


def caught_up(totals: bool = False) -> None:
    """Index entries written past the ORM before searching, and with `totals` bring the totals
    tables up when they trail by more than aggregates.LAG entries; commit that (rarely any)."""
    head, indexed, summed = aggregates.positions()
    if head > indexed or (totals and indexed - summed > aggregates.LAG):
        with uow.transaction():
            if head > indexed:
                catch_up()
            if totals:
                aggregates.catch_up(lag=aggregates.LAG)


def _filters() -> tuple[Filters, dict[str, object]]:
    try:
        return parse_filters(request.args), {}
    except FilterError as err:
        return Filters(), {err.field or "q": err.message}


@bp.get("/sao-ke")
def index():
    """Every entry newest first, searched and filtered, with the totals of the filter."""
    caught_up(totals=True)
    filters, errors = _filters()
    campaigns, assets = choices()
    result = None if errors else page(filters)
    summary = None if errors else totals(filters)
    return render_template(
        "transparency/statement/index.html",
        filters=filters,
        form=request.args,
        errors=errors,
        result=result,
        totals=summary,
        campaign_urls={
            slug: url_for("campaigns.detail", slug=slug)
            for slug in {row.campaign for row in (result.rows if result else []) if row.campaign}
        },
        campaigns=campaigns,
        assets=assets,
        kinds=[(k, KIND_LABELS[k]) for k in sorted(KINDS) if k in KIND_LABELS],
        traceable=TRACEABLE,
        trace_url=trace_url,
    ), (400 if errors else 200)


def _streamed(produce, filters: Filters, empty: str | bytes) -> Iterator:
    """Run `produce(filters)` while the response is sent, in an app context of its own (the
    request's is gone by then) and in the reader's language.

    An empty first piece is sent before the context is entered: a WSGI server (and the test
    client) takes the first piece where it called the view, the rest later, and a context must
    be left where it was entered."""
    app = current_app._get_current_object()
    locale = str(get_locale() or "vi")

    def body() -> Iterator:
        yield empty
        with app.app_context(), force_locale(locale):
            yield from produce(filters)

    return body()


def _download(body, mimetype: str, extension: str) -> Response:
    name = f"sao-ke-{date.today().isoformat()}.{extension}"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/sao-ke/tai-ve.csv")
def export_csv():
    """The current filter as CSV (UTF-8 with BOM for Excel), streamed."""
    caught_up()
    filters = parse_filters(request.args)
    return _download(_streamed(exports.csv_stream, filters, ""), "text/csv; charset=utf-8", "csv")


@bp.get("/sao-ke/tai-ve.xlsx")
def export_xlsx():
    """The current filter as an Excel workbook, streamed."""
    caught_up()
    filters = parse_filters(request.args)
    return _download(
        _streamed(exports.xlsx_stream, filters, b""),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    )
