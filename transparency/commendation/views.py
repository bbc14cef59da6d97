"""Back office: commendation lists, the ranking to edit, the list printed for the meeting."""

from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from app import uow
from app.auth.guards import roles_required
from students import schoolyear
from students.blueprint import unit_choices
from transparency.commendation import pdf as list_pdf
from transparency.commendation.services import (
    FIGURE,
    FIGURES,
    READERS,
    WRITERS,
    create_list,
    edit_entries,
    get_list,
    lists,
    printed,
)

bp = Blueprint("commendation", __name__, url_prefix="/quan-tri/tuyen-duong")


class Plain(FlaskForm):
    """CSRF only: the fields are read by name."""


def _day(name: str) -> date | None:
    try:
        return datetime.strptime(request.form.get(name, ""), "%Y-%m-%d").date()  # noqa: DTZ007
    except ValueError:
        return None


@bp.route("/")
@roles_required(*READERS)
def index():
    """The lists, and the form for a new one."""
    first, last = schoolyear.bounds(schoolyear.current_year())
    return render_template(
        "transparency/commendation/index.html",
        rows=lists(current_user),
        units=unit_choices(current_user),
        form=Plain(),
        first=first,
        last=last,
        can_write=current_user.role.value in WRITERS,
    )


@bp.route("/moi", methods=["POST"])
@roles_required(*WRITERS)
def new():
    """Rank the period's units and people into a new list."""
    form = Plain()
    item = None
    if form.validate_on_submit():
        unit = request.form.get("unit_id", "")
        with uow.attempt() as done:
            item = create_list(
                current_user,
                title=request.form.get("title", ""),
                first=_day("first"),
                last=_day("last"),
                unit_id=int(unit) if unit.isdigit() else None,
            )
        if done and item is not None:
            flash(_("Đã lập danh sách; hãy xem lại trước khi in."), "success")
            return redirect(url_for("commendation.detail", list_id=item.id))
    return redirect(url_for("commendation.index"))


@bp.route("/<int:list_id>")
@roles_required(*READERS)
def detail(list_id: int):
    """The ranking with the figures behind each; writers edit it here."""
    item = get_list(current_user, list_id)
    return render_template(
        "transparency/commendation/detail.html",
        item=item,
        form=Plain(),
        figures=FIGURE,
        order=FIGURES,
        can_write=current_user.role.value in WRITERS,
    )


@bp.route("/<int:list_id>", methods=["POST"])
@roles_required(*WRITERS)
def save(list_id: int):
    """Include or leave out, reorder, write the citations."""
    item = get_list(current_user, list_id)
    form = Plain()
    if form.validate_on_submit():
        changes = {
            e.id: {
                "included": request.form.get(f"in_{e.id}") == "y",
                "position": request.form.get(f"pos_{e.id}", e.position),
                "citation": request.form.get(f"cite_{e.id}", e.citation),
            }
            for e in item.entries
        }
        with uow.attempt() as done:
            edit_entries(current_user, item, changes)
        if done:
            flash(_("Đã lưu danh sách."), "success")
    return redirect(url_for("commendation.detail", list_id=list_id))


@bp.route("/<int:list_id>/in")
@roles_required(*READERS)
def printable(list_id: int):
    """The list as it is read at the meeting: included entries, in order, with figures."""
    item = get_list(current_user, list_id)
    units, people = printed(item)
    return render_template(
        "transparency/commendation/print.html",
        item=item,
        units=units,
        people=people,
        figures=FIGURE,
        order=FIGURES,
    )


@bp.route("/<int:list_id>/pdf")
@roles_required(*READERS)
def pdf(list_id: int):
    """The list as a PDF for the meeting (small: written at once)."""
    item = get_list(current_user, list_id)
    body = list_pdf.render(item, current_app.config["FUND_NAME"])
    return current_app.response_class(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="tuyen-duong-{item.id}.pdf"'},
    )
