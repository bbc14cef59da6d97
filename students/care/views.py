"""Back office: consent, household visits, risk ranking and weights, term outcomes."""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import private_files, uow
from app.audit.service import record
from app.auth.guards import hides_existence, roles_required, unit_scope_clause
from app.errors import DomainError
from app.extensions import db
from app.formtools import form_status, page_number
from students.blueprint import READERS, WRITERS, bp
from students.care import risk
from students.care.forms import ConsentForm, OutcomeTermForm, VisitForm
from students.care.models import Consent, Outcome, Visit
from students.care.services import (
    add_visit,
    check_term,
    record_consent,
    record_outcomes,
    visits_due,
    withdraw_consent,
)
from students.care.visit_photos import attach_photos
from students.fields import DateOnlyForm
from students.labels import CAUSE, OUTCOME, STATUS
from students.registry.models import Student
from students.registry.services import get_student, search
from students.rounds.models import AllocationLine


@bp.route("/<public_id>/dong-y", methods=["GET", "POST"])
@roles_required(*WRITERS)
def consent(public_id: str):
    """Record a new consent (it replaces the previous one)."""
    student = get_student(current_user, public_id, audit_read=False)
    form = ConsentForm()
    if request.method == "GET":
        form.guardian_name.data = student.guardian_name
    if form.validate_on_submit():
        upload = form.scan.data
        with uow.attempt(form) as done:
            record_consent(
                current_user,
                student,
                guardian_name=form.guardian_name.data,
                given_on=form.given_on.data,
                scope=form.scope.data,
                child_agreed=form.child_agreed.data,
                # One byte over the limit is enough for the service to refuse it clearly.
                scan=upload.read(private_files.MAX_UPLOAD_BYTES + 1)
                if upload and upload.filename
                else None,
                scan_name=upload.filename if upload else "",
            )
        if done:  # the scan was written after the commit
            flash(_("Đã ghi nhận sự đồng ý."), "success")
            return redirect(url_for("students.detail", public_id=public_id))
    return render_template("students/care/consent.html", form=form, s=student), form_status(form)


@bp.route("/dong-y/<int:consent_id>/rut", methods=["POST"])
@roles_required(*WRITERS)
def withdraw(consent_id: int):
    """Withdraw a consent from a date: nothing about the student is public any more."""
    item = db.session.get(Consent, consent_id) or abort(404)
    public_id = get_student(current_user, item.student.public_id, audit_read=False).public_id
    form = DateOnlyForm()
    if form.validate_on_submit():
        with uow.attempt() as done:
            withdraw_consent(current_user, item, form.on.data)
        if done:
            flash(_("Đã rút sự đồng ý: thông tin của em không còn được công khai."), "success")
    return redirect(url_for("students.detail", public_id=public_id))


@bp.route("/dong-y/<int:consent_id>/ban-quet")
@roles_required(*READERS)
@hides_existence
@uow.transactional
def consent_scan(consent_id: int):
    """The consent scan, only through this role- and unit-checked view. Audited."""
    item = db.session.get(Consent, consent_id)
    if item is None or not item.scan_path:
        abort(404)
    get_student(current_user, item.student.public_id, audit_read=False)  # scope check
    path = private_files.existing(item.scan_path)
    if path is None:
        abort(404)
    record(
        current_user,
        "student.consent_scan",
        item.student,
        _l("Xem bản quét đồng ý #%(id)s", id=item.id),
        target_id=item.student.public_id,
    )
    return private_files.send(item.scan_path)  # a PDF scan as an attachment


@bp.route("/<public_id>/tham", methods=["GET", "POST"])
@roles_required(*WRITERS)
def visit(public_id: str):
    """Record a household visit."""
    student = get_student(current_user, public_id, audit_read=False)
    form = VisitForm()
    if request.method == "GET" and not form.visitors.data:
        form.visitors.data = current_user.display_name  # who records it usually went
    if form.validate_on_submit():
        uploads = [
            f.read(private_files.MAX_IMAGE_BYTES + 1)
            for f in (form.photos.data or [])
            if getattr(f, "filename", "")
        ]
        with uow.attempt(form) as done:
            new_visit = add_visit(
                current_user,
                student,
                visited_on=form.visited_on.data,
                visitors=form.visitors.data,
                met=form.met.data or "",
                findings=form.findings.data or "",
                causes=form.causes.data or [],
                family_wishes=form.family_wishes.data or "",
                child_wishes=form.child_wishes.data or "",
                actions=form.actions.data or "",
                next_visit_on=form.next_visit_on.data,
            )
            if uploads:
                attach_photos(current_user, new_visit, uploads)
        if done:
            flash(_("Đã lưu lần thăm."), "success")
            return redirect(url_for("students.detail", public_id=public_id))
    return render_template("students/care/visit.html", form=form, s=student), form_status(form)


@bp.route("/can-tham")
@roles_required(*READERS)
def due():
    """Visits due in the next 14 days or overdue, soonest first."""
    until = date.today() + timedelta(days=14)
    stmt = visits_due(current_user, until).options(
        selectinload(Visit.student).selectinload(Student.school)  # shown on each row
    )
    page = db.paginate(stmt, page=page_number(), per_page=30, error_out=False)
    return render_template("students/care/due.html", page=page, today=date.today(), causes=CAUSE)


@bp.route("/nguy-co")
@roles_required(*READERS)
def ranking():
    """Students ranked by risk, each score explained, for nominations."""
    page = db.paginate(
        search(current_user, order="risk", status=request.args.get("status", "")).options(
            selectinload(Student.school),
            selectinload(Student.visits),  # row and its reasons
        ),
        page=page_number(),
        per_page=25,
        error_out=False,
    )
    table = risk.weights()
    explained = {s.id: risk.explain(s, table) for s in page.items}
    return render_template(
        "students/care/ranking.html",
        page=page,
        explained=explained,
        statuses=STATUS,
        status=request.args.get("status", ""),
    )


@bp.route("/nguy-co/trong-so", methods=["GET", "POST"])
@roles_required("admin")
def weights():
    """The admin edits the points of each rule; every score is recomputed."""
    current = risk.weights()
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {}
        for key in risk.RULES:
            raw = request.form.get(key, "").strip()
            if not raw.isdigit() or int(raw) > risk.MAX_POINTS:
                errors[key] = _("Điểm phải là số nguyên từ 0 đến %(n)s.", n=risk.MAX_POINTS)
            else:
                values[key] = int(raw)
        if not errors:
            with uow.attempt() as done:
                risk.save_weights(current_user, values)
            if done:
                flash(
                    _("Đã lưu trọng số; điểm nguy cơ của mọi học sinh đã được tính lại."), "success"
                )
                return redirect(url_for("students.weights"))
        current = {**current, **{k: request.form.get(k, "") for k in errors}}
    return render_template(
        "students/care/weights.html", rules=risk.RULES, current=current, errors=errors
    ), 422 if errors else 200


@bp.route("/ket-qua")
@roles_required(*READERS)
def outcomes():
    """Each term, the school status of every supported student in scope."""
    form = OutcomeTermForm(request.args, meta={"csrf": False})
    term = (request.args.get("term") or "").strip()
    try:
        term = check_term(term) if term else ""
    except DomainError as err:
        form.term.errors = [err.message]
        term = ""
    return _outcomes_page(form, term)


@bp.route("/ket-qua", methods=["POST"])
@roles_required(*WRITERS)
def save_outcomes():
    """Save the statuses chosen for a term."""
    term = request.form.get("term", "")
    students = _supported_in_scope()
    statuses = {
        s.id: (request.form.get(f"s{s.id}", ""), request.form.get(f"n{s.id}", "")) for s in students
    }
    with uow.attempt() as done:
        count = record_outcomes(current_user, term, statuses)
    if done:
        flash(_("Đã lưu kết quả của %(n)s học sinh.", n=count), "success")
    return redirect(url_for("students.outcomes", term=term))


def _supported_in_scope() -> list[Student]:
    funded = select(AllocationLine.student_id).where(AllocationLine.allocation_seq.is_not(None))
    stmt = (
        select(Student)
        .where(Student.id.in_(funded), unit_scope_clause(current_user, Student.unit_id))
        .order_by(Student.name_key)
    )
    return list(db.session.execute(stmt).scalars())


def _outcomes_page(form, term: str):
    existing = {}
    if term:
        rows = db.session.execute(select(Outcome).where(Outcome.term == term)).scalars()
        existing = {o.student_id: o for o in rows}
    return render_template(
        "students/care/outcomes.html",
        form=form,
        term=term,
        students=_supported_in_scope(),
        existing=existing,
        choices=OUTCOME,
        can_write=current_user.role.value in WRITERS,
    )
