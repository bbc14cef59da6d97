"""Back office: the report page, its XLSX, its PDF (a job); public: the yearly report."""

from __future__ import annotations

from datetime import date, datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from app import private_files, uow
from app.auth.guards import roles_required
from app.errors import DomainError
from students import schoolyear
from students.blueprint import unit_choices
from transparency.reports import data, files
from transparency.reports.services import (
    READERS,
    check,
    default_range,
    get_file,
    public_report,
    request_pdf,
)

bp = Blueprint("reports", __name__, url_prefix="/quan-tri/bao-cao")
public_bp = Blueprint("reports_public", __name__, url_prefix="/bao-cao-nam")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Plain(FlaskForm):
    """CSRF for the PDF button."""


def _day(name: str) -> date | None:
    try:
        return datetime.strptime(request.values.get(name, ""), "%Y-%m-%d").date()  # noqa: DTZ007
    except ValueError:
        return None


def _params() -> dict:
    kind = request.values.get("kind", "year_end")
    kind = kind if kind in data.KIND else "year_end"
    first, last = default_range(kind)
    unit = request.values.get("unit_id", "")
    return {
        "kind": kind,
        "first": _day("first") or first,
        "last": _day("last") or last,
        "unit_id": int(unit) if unit.isdigit() else current_user.unit_id,
    }


@bp.route("/")
@roles_required(*READERS)
def index():
    """Choose the report; it shows below, with its downloads."""
    params = _params()
    report, error = None, None
    try:
        unit = check(current_user, **params)
        report = data.build(params["kind"], params["first"], params["last"], unit)
    except DomainError as err:
        error = str(err.message)
    return render_template(
        "transparency/reports/index.html",
        report=report,
        error=error,
        params=params,
        kinds=data.KIND,
        units=unit_choices(current_user),
        form=Plain(),
    )


@bp.route("/xlsx")
@roles_required(*READERS)
def xlsx():
    """The report as a workbook (cells as data)."""
    params = _params()
    unit = check(current_user, **params)
    report = data.build(params["kind"], params["first"], params["last"], unit)
    body = files.xlsx(report, current_app.config["FUND_NAME"])
    name = f"bao-cao-{params['kind']}-{params['first']:%Y%m%d}-{params['last']:%Y%m%d}.xlsx"
    return current_app.response_class(
        body, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@bp.route("/pdf", methods=["POST"])
@roles_required(*READERS)
def pdf():
    """Queue the PDF; its page waits for it."""
    form = Plain()
    if not form.validate_on_submit():
        abort(400)
    item = None
    with uow.attempt() as done:
        item = request_pdf(current_user, **_params())
    if done and item is not None:
        return redirect(url_for("reports.pdf_file", report_id=item.id))
    return redirect(url_for("reports.index"))


@bp.route("/tep/<int:report_id>")
@roles_required(*READERS)
def pdf_file(report_id: int):
    """The PDF once the job wrote it; until then a page that looks again in a few seconds."""
    item = get_file(current_user, report_id)
    path = private_files.existing(item.path)
    if path is None:
        return render_template("transparency/reports/waiting.html", item=item), 202
    return send_file(
        path,
        mimetype="application/pdf",
        download_name=f"bao-cao-{item.id}.pdf",
        max_age=0,
    )


@public_bp.route("/")
def public_latest():
    """The current school year's report (its figures so far)."""
    return redirect(url_for("reports_public.public_year", school_year=schoolyear.current_year()))


@public_bp.route("/<school_year>")
def public_year(school_year: str):
    """The province's year-end report: figures only, no child named, small counts hidden."""
    if not schoolyear.YEAR_RE.match(school_year):
        abort(404)
    try:
        report = public_report(school_year)
    except DomainError:
        abort(404)
    return render_template(
        "transparency/reports/public.html",
        report=report,
        year=school_year,
        years=schoolyear.year_choices(),
        ongoing=report.last >= date.today(),
        note=_(
            "Số đếm học sinh dưới 5 ghi “< 5”; một số ô khác cũng được ẩn để không suy ra được."
        ),
    )
