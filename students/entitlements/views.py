"""Back office of entitlements: records per year, the school's confirmation, the follow-up
list, the kinds (admin)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import uow
from app.auth.guards import roles_required
from app.extensions import db
from app.formtools import form_status, page_number
from app.units.models import Commune
from students import schoolyear
from students.blueprint import READERS, WRITERS, school_choices, unit_choices
from students.entitlements.forms import CATEGORY, ConfirmForm, EntitlementForm, KindForm
from students.entitlements.models import Entitlement, EntitlementKind
from students.entitlements.services import (
    entitlements,
    follow_up,
    get_entitlement,
    kinds,
    record_entitlement,
    save_kind,
    update_entitlement,
)
from students.labels import SITUATION
from students.peer.services import student_choices
from students.registry.models import Student

bp = Blueprint("student_entitlements", __name__, url_prefix="/quan-tri/che-do")


def _int(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


def _year() -> str:
    year = request.args.get("year", "")
    return year if schoolyear.YEAR_RE.match(year) else schoolyear.current_year()


@bp.route("/")
@roles_required(*READERS)
def index():
    """Records of a school year, by school and unit."""
    filters = {"year": _year(), "school_id": _int("school"), "unit_id": _int("unit")}
    stmt = entitlements(
        current_user,
        school_year=filters["year"],
        school_id=filters["school_id"],
        unit_id=filters["unit_id"],
    ).options(
        selectinload(Entitlement.student).selectinload(Student.school),
        selectinload(Entitlement.kind),
    )
    page = db.paginate(stmt, page=page_number(), per_page=30, error_out=False)
    return render_template(
        "students/entitlements/index.html",
        page=page,
        filters=filters,
        years=schoolyear.year_choices(),
        schools=school_choices()[1:],
        units=unit_choices(current_user),
    )


@bp.route("/can-theo-doi")
@roles_required(*READERS)
def follow():
    """Students who seem eligible but have no record, or have not received it."""
    year = _year()
    rows = follow_up(current_user, year)
    return render_template(
        "students/entitlements/follow.html",
        rows=rows,
        year=year,
        years=schoolyear.year_choices(),
        situations=SITUATION,
    )


@bp.route("/moi", methods=["GET", "POST"])
@roles_required(*WRITERS)
def new():
    """Record an entitlement of a student (a field member does it on a phone)."""
    form = EntitlementForm()
    form.student.choices = [("", "—")] + student_choices(current_user)
    form.kind.choices = [(None, "—")] + [(k.id, k.name) for k in kinds(active_only=True)]
    form.school_year.choices = [(y, y) for y in schoolyear.year_choices()]
    if request.method == "GET":
        form.school_year.data = request.args.get("year") or schoolyear.current_year()
        form.student.data = request.args.get("hs", "")
        form.kind.data = _int("kind")
    if form.validate_on_submit():
        with uow.attempt(form) as done:
            record_entitlement(
                current_user,
                student_public_id=form.student.data,
                kind_id=form.kind.data,
                school_year=form.school_year.data,
                received=form.received.data,
                confirmed_on=form.confirmed_on.data,
                confirmed_by=form.confirmed_by.data or "",
                note=form.note.data or "",
            )
        if done:
            flash(_("Đã ghi chế độ."), "success")
            return redirect(url_for("student_entitlements.index", year=form.school_year.data))
    return render_template("students/entitlements/new.html", form=form), form_status(form)


@bp.route("/<int:entitlement_id>", methods=["GET", "POST"])
@roles_required(*WRITERS)
def edit(entitlement_id: int):
    """The school's confirmation of one record."""
    item = get_entitlement(current_user, entitlement_id)
    form = ConfirmForm(obj=item)
    if form.validate_on_submit():
        with uow.attempt(form) as done:
            update_entitlement(
                current_user,
                item,
                received=form.received.data,
                confirmed_on=form.confirmed_on.data,
                confirmed_by=form.confirmed_by.data or "",
                note=form.note.data or "",
            )
        if done:
            flash(_("Đã lưu xác nhận."), "success")
            return redirect(url_for("student_entitlements.index", year=item.school_year))
    return render_template("students/entitlements/edit.html", form=form, item=item), form_status(
        form
    )


@bp.route("/loai")
@roles_required("admin")
def kind_list():
    """The kinds of entitlement and their legal basis."""
    return render_template("students/entitlements/kinds.html", kinds=kinds(), categories=CATEGORY)


@bp.route("/loai/moi", methods=["GET", "POST"], defaults={"kind_id": None})
@bp.route("/loai/<int:kind_id>", methods=["GET", "POST"])
@roles_required("admin")
def kind_edit(kind_id: int | None):
    """Add or edit a kind: name, category, legal basis, who appears eligible."""
    kind = db.session.get(EntitlementKind, kind_id) if kind_id else None
    if kind_id and kind is None:
        abort(404)
    form = KindForm(obj=kind)
    form.minority_communes.choices = [
        (c.id, c.name) for c in db.session.execute(select(Commune).order_by(Commune.name)).scalars()
    ]
    if form.validate_on_submit():
        with uow.attempt(form) as done:
            save_kind(
                current_user,
                kind,
                code=form.code.data,
                name=form.name.data,
                category=form.category.data,
                legal_basis=form.legal_basis.data,
                situations=form.situations.data or [],
                minority_communes=form.minority_communes.data or [],
                active=form.active.data,
                position=form.position.data or 0,
            )
        if done:
            flash(_("Đã lưu chế độ."), "success")
            return redirect(url_for("student_entitlements.kind_list"))
    return render_template("students/entitlements/kind.html", form=form, kind=kind), form_status(
        form
    )
