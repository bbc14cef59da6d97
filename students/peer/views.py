"""Back office of peer support: the list by school and unit, a new pair, a pair and its results."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app import uow
from app.auth.guards import roles_required
from app.extensions import db
from app.formtools import form_status, page_number
from students import schoolyear
from students.blueprint import READERS, WRITERS, school_choices, unit_choices
from students.peer.forms import MODEL, PairForm, ResultForm
from students.peer.models import PeerPair
from students.peer.services import create_pair, get_pair, pairs, record_result, student_choices

bp = Blueprint("student_peer", __name__, url_prefix="/quan-tri/doi-ban")


def _int(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


@bp.route("/")
@roles_required(*READERS)
def index():
    """Pairs of a school year, filtered by school and unit."""
    year = request.args.get("year") or schoolyear.current_year()
    filters = {"year": year, "school_id": _int("school"), "unit_id": _int("unit")}
    stmt = pairs(
        current_user,
        school_year=year,
        school_id=filters["school_id"],
        unit_id=filters["unit_id"],
    ).options(
        selectinload(PeerPair.student),
        selectinload(PeerPair.school),
        selectinload(PeerPair.results),
    )
    page = db.paginate(stmt, page=page_number(), per_page=30, error_out=False)
    return render_template(
        "students/peer/index.html",
        page=page,
        filters=filters,
        years=schoolyear.year_choices(),
        schools=school_choices()[1:],
        units=unit_choices(current_user),
        models=MODEL,
    )


@bp.route("/moi", methods=["GET", "POST"])
@roles_required(*WRITERS)
def new():
    """Record a pair (a field member does it on a phone, at the school)."""
    form = PairForm()
    form.student.choices = [("", "—")] + student_choices(current_user)
    form.school_year.choices = [(y, y) for y in schoolyear.year_choices()]
    if request.method == "GET":
        form.school_year.data = schoolyear.current_year()
        form.student.data = request.args.get("hs", "")
    if form.validate_on_submit():
        with uow.attempt(form, fields={"helpers": "helper1_name"}) as done:
            pair = create_pair(
                current_user,
                student_public_id=form.student.data,
                school_year=form.school_year.data,
                model=form.model.data,
                model_note=form.model_note.data or "",
                helpers=form.helpers(),
                follower=form.follower.data,
                started_on=form.started_on.data,
            )
        if done:
            flash(_("Đã ghi đôi bạn."), "success")
            return redirect(url_for("student_peer.detail", pair_id=pair.id))
    return render_template("students/peer/new.html", form=form), form_status(form)


@bp.route("/<int:pair_id>")
@roles_required(*READERS)
def detail(pair_id: int):
    """A pair, its results each term, and the form for a term's result."""
    return _detail(get_pair(current_user, pair_id), ResultForm())


@bp.route("/<int:pair_id>/ket-qua", methods=["POST"])
@roles_required(*WRITERS)
def result(pair_id: int):
    """Save a term's result of the pair."""
    pair = get_pair(current_user, pair_id)
    form = ResultForm()
    if form.validate_on_submit():
        with uow.attempt(form) as done:
            record_result(
                current_user,
                pair,
                term=form.term.data,
                days_absent=form.days_absent.data,
                grades_improved=form.grades_improved.data,
                still_in_school=form.still_in_school.data,
                note=form.note.data or "",
            )
        if done:
            flash(_("Đã lưu kết quả học kỳ."), "success")
            return redirect(url_for("student_peer.detail", pair_id=pair_id))
    return _detail(pair, form)


def _detail(pair: PeerPair, form: ResultForm):
    return render_template(
        "students/peer/detail.html",
        pair=pair,
        form=form,
        models=MODEL,
        can_write=current_user.role.value in WRITERS,
    ), form_status(form)
