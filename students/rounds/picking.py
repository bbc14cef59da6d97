"""Building a round: students to offer (filtered, never one already in it), adding many at once."""

from __future__ import annotations

from dataclasses import dataclass

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length

from app import uow
from app.auth.guards import roles_required, unit_scope_clause, unit_subtree_ids
from app.extensions import db
from app.units.models import Commune, School
from students.blueprint import rounds_bp
from students.fields import enum_choices
from students.labels import ROUND_ASSETS
from students.quantity import parse_quantity
from students.registry.models import Student
from students.rounds import services as svc
from students.rounds.models import AllocationRound

PROPOSERS = ("admin", "manager")
LIMIT = 200


@dataclass(frozen=True)
class Filters:
    """What the proposer narrows the list by (all optional)."""

    commune: int | None = None
    school: int | None = None
    grade: int | None = None
    min_risk: int | None = None

    @classmethod
    def from_args(cls, args) -> Filters:
        def number(name: str) -> int | None:
            raw = (args.get(name) or "").strip()
            return int(raw) if raw.isdigit() else None

        return cls(number("commune"), number("school"), number("grade"), number("risk"))


def candidates(rnd: AllocationRound, filters: Filters) -> list[Student]:
    """Students of the round's unit the user may see, not yet in the round, riskiest first."""
    taken = {line.student_id for line in rnd.lines}
    stmt = select(Student).where(
        Student.unit_id.in_(unit_subtree_ids(rnd.unit_id)),
        unit_scope_clause(current_user, Student.unit_id),
    )
    if taken:
        stmt = stmt.where(Student.id.not_in(taken))
    if filters.commune:
        stmt = stmt.where(Student.commune_id == filters.commune)
    if filters.school:
        stmt = stmt.where(Student.school_id == filters.school)
    if filters.grade:
        stmt = stmt.where(Student.grade == filters.grade)
    if filters.min_risk is not None:
        stmt = stmt.where(Student.risk_score >= filters.min_risk)
    stmt = stmt.order_by(Student.risk_score.desc(), Student.name_key).limit(LIMIT)
    return list(db.session.execute(stmt).scalars())


def filter_choices(rnd: AllocationRound) -> dict:
    """Communes and schools of the round's unit, for the filter's selects."""
    scope = unit_subtree_ids(rnd.unit_id)
    schools = db.session.execute(
        select(School).where(School.unit_id.in_(scope)).order_by(School.name)
    ).scalars()
    communes = db.session.execute(
        select(Commune).where(Commune.unit_id.in_(scope)).order_by(Commune.name)
    ).scalars()
    return {"schools": list(schools), "communes": list(communes)}


class ManyForm(FlaskForm):
    """The same support for every student ticked."""

    students = SelectMultipleField(
        _l("Học sinh"), validators=[DataRequired(_l("Chọn ít nhất một học sinh."))]
    )
    asset = SelectField(_l("Loại hỗ trợ"), choices=enum_choices(ROUND_ASSETS))
    amount = StringField(
        _l("Số lượng mỗi em"), validators=[DataRequired(_l("Vui lòng nhập số lượng."))]
    )
    note = StringField(_l("Ghi chú"), validators=[Length(max=200)])


def many_form(rnd: AllocationRound, offered: list[Student]) -> ManyForm:
    form = ManyForm(prefix="many")  # the single-student form on the page uses the plain names
    form.students.choices = [(s.public_id, s.public_id) for s in offered]
    return form


@rounds_bp.route("/<public_id>/them-nhieu", methods=["POST"])
@roles_required(*PROPOSERS)
def add_many(public_id: str):
    """Add the same support for many students at once (all or none)."""
    rnd = svc.get_round(current_user, public_id)
    offered = candidates(rnd, Filters())
    form = many_form(rnd, offered)
    if form.validate_on_submit():
        with uow.attempt(form) as done:
            amount = parse_quantity(form.amount.data, form.asset.data)
            for student_id in form.students.data:
                svc.add_line(
                    current_user,
                    rnd,
                    student_public_id=student_id,
                    asset=form.asset.data,
                    amount=amount,
                    note=form.note.data or "",
                )
        if done:
            flash(_("Đã thêm %(n)s học sinh vào đợt trao.", n=len(form.students.data)), "success")
            return redirect(url_for("student_rounds.detail", public_id=public_id))
    for field in form:
        for error in field.errors:
            flash(str(error), "error")
    args = {k: v for k, v in request.form.items() if k in ("commune", "school", "grade", "risk")}
    return redirect(url_for("student_rounds.detail", public_id=public_id, **args))


def picking_context(rnd: AllocationRound) -> dict:
    """What the round page needs to offer students: filters, the list, the form."""
    filters = Filters.from_args(request.args)
    offered = candidates(rnd, filters)
    return {
        "filters": filters,
        "offered": offered,
        "offered_limit": LIMIT,
        "many": many_form(rnd, offered),
        "grades": range(1, 13),
        **filter_choices(rnd),
    }
