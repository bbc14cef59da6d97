"""Back-office pages for units, communes and schools (admins write, others read)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import nav, uow
from app.auth.guards import roles_required
from app.extensions import db
from app.formtools import form_status
from app.units import services
from app.units.forms import CommuneForm, SchoolForm, UnitForm
from app.units.models import UNIT_KIND_LABELS, Commune, School, Unit

bp = Blueprint("units", __name__, url_prefix="/quan-tri/don-vi")
READERS = ("admin", "auditor", "manager", "treasurer")
nav.register(_l("Đơn vị, trường, xã"), "units.index", READERS, order=80)


def _unit_choices(blank: str = "—") -> list[tuple[int | None, str]]:
    return [(None, blank)] + [(u.id, "— " * d + u.name) for u, d in services.tree()]


@bp.route("/")
@roles_required(*READERS)
def index():
    """The hierarchy as an indented list, with counts."""
    return render_template(
        "units/index.html", tree=services.tree(), kinds=UNIT_KIND_LABELS, counts=services.counts()
    )


@bp.route("/moi", methods=["GET", "POST"], defaults={"unit_id": None})
@bp.route("/<int:unit_id>/sua", methods=["GET", "POST"])
@roles_required("admin")
def edit(unit_id: int | None):
    """Create or edit a unit."""
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if unit_id and unit is None:
        abort(404)
    form = UnitForm(obj=unit)
    form.parent_id.choices = _unit_choices(_("(không có — cấp tỉnh)"))
    if form.validate_on_submit():
        data = {k: form[k].data for k in ("name", "code", "kind", "parent_id")}
        with uow.attempt(form) as done:
            if unit is None:
                unit = services.create_unit(current_user, **data)
            else:
                services.update_unit(current_user, unit, active=form.active.data, **data)
        if done:
            flash(_("Đã lưu đơn vị %(name)s.", name=unit.name), "success")
            return redirect(url_for("units.index"))
    return render_template("units/edit.html", form=form, unit=unit), form_status(form)


@bp.route("/truong")
@roles_required(*READERS)
def schools():
    """Schools, filtered by name, paginated."""
    q = request.args.get("q", "").strip()
    # Each row names its commune and unit: load them for the page, not row by row.
    stmt = (
        select(School)
        .options(selectinload(School.commune), selectinload(School.unit))
        .order_by(School.name)
    )
    if q:
        stmt = stmt.where(School.name.ilike(f"%{q}%"))
    page = db.paginate(stmt, per_page=30, error_out=False)
    return render_template("units/schools.html", page=page, q=q)


def _edit_data(model, item_id, form, save, title: str, back: str, saved: str):
    """Create or edit one row of editable data (a school, a commune); shared by both pages."""
    item = db.session.get(model, item_id) if item_id else None
    if item_id and item is None:
        abort(404)
    if form.validate_on_submit():
        with uow.attempt(form) as done:
            item = save(item)
        if done:
            flash(saved % {"name": item.name}, "success")
            return redirect(url_for(back))
    return render_template(
        "units/edit_simple.html", form=form, title=title, back=url_for(back)
    ), form_status(form)


@bp.route("/truong/moi", methods=["GET", "POST"], defaults={"school_id": None})
@bp.route("/truong/<int:school_id>/sua", methods=["GET", "POST"])
@roles_required("admin")
def edit_school(school_id: int | None):
    """Create or edit a school."""
    form = SchoolForm(obj=db.session.get(School, school_id) if school_id else None)
    form.unit_id.choices = _unit_choices()
    form.commune_id.choices = [(None, "—")] + [
        (c.id, c.name) for c in db.session.execute(select(Commune).order_by(Commune.name)).scalars()
    ]

    def save(school):
        return services.save_school(
            current_user,
            school,
            name=form.name.data,
            level=form.level.data,
            commune_id=form.commune_id.data,
            unit_id=form.unit_id.data,
        )

    return _edit_data(
        School,
        school_id,
        form,
        save,
        _("Trường học"),
        "units.schools",
        _("Đã lưu trường %(name)s."),
    )


@bp.route("/xa")
@roles_required(*READERS)
def communes():
    """Communes and wards, paginated."""
    q = request.args.get("q", "").strip()
    stmt = select(Commune).options(selectinload(Commune.unit)).order_by(Commune.name)
    if q:
        stmt = stmt.where(Commune.name.ilike(f"%{q}%"))
    page = db.paginate(stmt, per_page=30, error_out=False)
    return render_template("units/communes.html", page=page, q=q)


@bp.route("/xa/moi", methods=["GET", "POST"], defaults={"commune_id": None})
@bp.route("/xa/<int:commune_id>/sua", methods=["GET", "POST"])
@roles_required("admin")
def edit_commune(commune_id: int | None):
    """Create or edit a commune."""
    form = CommuneForm(obj=db.session.get(Commune, commune_id) if commune_id else None)
    form.unit_id.choices = _unit_choices()

    def save(commune):
        return services.save_commune(
            current_user,
            commune,
            name=form.name.data,
            district=form.district.data,
            unit_id=form.unit_id.data,
        )

    return _edit_data(
        Commune,
        commune_id,
        form,
        save,
        _("Xã/phường"),
        "units.communes",
        _("Đã lưu xã/phường %(name)s."),
    )
