"""Reports: check what is asked, queue the PDF, write it in the job; the public year's report."""

from __future__ import annotations

from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import private_files
from app.audit.service import record
from app.auth.guards import require_role, require_unit
from app.auth.models import User
from app.dbtypes import utcnow
from app.errors import DomainError, NotFound
from app.extensions import db
from app.jobs.queue import job
from app.units.models import Unit
from students import schoolyear
from transparency.reports import data, files
from transparency.reports.models import ReportFile

READERS = ("admin", "manager", "treasurer", "auditor")
MAX_DAYS = 731
FOLDER = "reports"


def check(actor: User, kind: str, first: date | None, last: date | None, unit_id) -> Unit:
    """The unit of a report the actor may read, with a sensible range."""
    require_role(actor, READERS)
    if kind not in data.KIND:
        raise DomainError(_l("Loại báo cáo không hợp lệ."), field="kind")
    if first is None or last is None:
        raise DomainError(_l("Vui lòng nhập khoảng ngày."), field="first")
    if last < first:
        raise DomainError(_l("Ngày cuối phải sau ngày đầu."), field="last")
    if (last - first).days > MAX_DAYS:
        raise DomainError(_l("Một báo cáo bao gồm tối đa hai năm."), field="last")
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if unit is None:
        raise DomainError(_l("Vui lòng chọn đơn vị."), field="unit_id")
    require_unit(actor, unit.id)
    return unit


def default_range(kind: str, year: str | None = None) -> tuple[date, date]:
    """Sơ kết: the first term; tổng kết: the whole school year."""
    first, last = schoolyear.bounds(year or schoolyear.current_year())
    return (
        (first, schoolyear.term_bounds(year or schoolyear.current_year(), "HK1")[1])
        if (kind == "mid_term")
        else (first, last)
    )


def request_pdf(actor: User, kind: str, first: date, last: date, unit_id: int) -> ReportFile:
    """Queue the PDF (a job writes it after the commit). Audited."""
    unit = check(actor, kind, first, last, unit_id)
    item = ReportFile(kind=kind, first=first, last=last, unit_id=unit.id, requested_by_id=actor.id)
    db.session.add(item)
    db.session.flush()
    record(
        actor,
        "report.pdf",
        item,
        _l("Yêu cầu báo cáo PDF %(unit)s", unit=unit.name),
        {"first": first.isoformat(), "last": last.isoformat()},
    )
    render_pdf.enqueue(item.id)
    return item


@job("reports.render_pdf", retries=2)
def render_pdf(report_id: int) -> None:
    """Build the report and write its PDF to private storage."""
    item = db.session.get(ReportFile, report_id)
    if item is None or item.path:
        return
    report = data.build(item.kind, item.first, item.last, item.unit)
    content = files.pdf(report, current_app.config["FUND_NAME"])
    relative = f"{FOLDER}/bao-cao-{item.id}.pdf"
    private_files.write_atomically(private_files.absolute(relative), content)
    item.path = relative
    item.finished_at = utcnow()
    db.session.flush()


def get_file(actor: User, report_id: int) -> ReportFile:
    """A requested report of a unit in the actor's scope."""
    require_role(actor, READERS)
    item = db.session.get(ReportFile, report_id)
    if item is None:
        raise NotFound(_l("Không tìm thấy báo cáo."))
    require_unit(actor, item.unit_id)
    return item


def province() -> Unit | None:
    """The top unit (the public report covers it all)."""
    return (
        db.session.execute(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id))
        .scalars()
        .first()
    )


def public_report(year: str) -> data.Report:
    """The year-end report of the whole province for a school year (public page)."""
    year = schoolyear.check_year(year, field="year")
    unit = province()
    if unit is None:
        raise NotFound(_l("Chưa có đơn vị nào."))
    first, last = default_range("year_end", year)
    return data.build("year_end", first, last, unit)
