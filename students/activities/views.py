"""Back office of activities: the list, the calendar with its peaks, a new or edited one."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app import uow
from app.auth.guards import roles_required
from app.extensions import db
from app.formtools import form_status, page_number
from students import schoolyear
from students.activities import calendar
from students.activities.forms import CONSENT, GROUPS, KIND, ActivityForm, PhotoForm
from students.activities.models import Activity
from students.activities.photos import photos_of
from students.activities.services import (
    ActivityData,
    activities,
    campaign_choices,
    get_activity,
    raised,
    save_activity,
)
from students.blueprint import READERS, WRITERS, unit_choices

bp = Blueprint("unit_activities", __name__, url_prefix="/quan-tri/hoat-dong")


def _unit() -> int | None:
    value = request.args.get("unit", "")
    return int(value) if value.isdigit() else None


@bp.route("/")
@roles_required(*READERS)
def index():
    """Activities of the units in scope, latest first."""
    stmt = activities(current_user, unit_id=_unit()).options(
        selectinload(Activity.unit), selectinload(Activity.campaign)
    )
    page = db.paginate(stmt, page=page_number(), per_page=30, error_out=False)
    return render_template(
        "students/activities/index.html",
        page=page,
        kinds=KIND,
        units=unit_choices(current_user),
        unit_id=_unit(),
    )


@bp.route("/lich")
@roles_required(*READERS)
def calendar_view():
    """The school year month by month, peak periods marked."""
    year = request.args.get("year", "")
    year = year if schoolyear.YEAR_RE.match(year) else schoolyear.current_year()
    start = int(year[:4])
    rows = db.session.execute(
        activities(
            current_user, first=date(start, 8, 1), last=date(start + 1, 7, 31), unit_id=_unit()
        ).options(selectinload(Activity.unit))
    ).scalars()
    return render_template(
        "students/activities/calendar.html",
        months=calendar.months(start, sorted(rows, key=lambda a: (a.held_on, a.id))),
        year=year,
        years=schoolyear.year_choices(),
        kinds=KIND,
        units=unit_choices(current_user),
        unit_id=_unit(),
    )


def _form(activity: Activity | None) -> ActivityForm:
    form = ActivityForm(obj=activity)
    form.unit_id.choices = unit_choices(current_user)
    form.campaign_id.choices = campaign_choices()
    if activity is not None and request.method == "GET":
        for group in GROUPS:
            getattr(form, f"p_{group}").data = (activity.participants or {}).get(group)
    elif activity is None and request.method == "GET":
        form.unit_id.data = current_user.unit_id
    return form


def _save(activity: Activity | None):
    form = _form(activity)
    if form.validate_on_submit():
        data = ActivityData(
            unit_id=form.unit_id.data,
            kind=form.kind.data,
            title=form.title.data,
            held_on=form.held_on.data,
            ends_on=form.ends_on.data,
            place=form.place.data,
            organisers=form.organisers.data or "",
            participants=form.participants(),
            students_reached=form.students_reached.data,
            campaign_id=form.campaign_id.data,
            notes=form.notes.data or "",
        )
        with uow.attempt(form) as done:
            activity = save_activity(current_user, activity, data)
        if done:
            flash(_("Đã lưu hoạt động."), "success")
            return redirect(url_for("unit_activities.detail", activity_id=activity.id))
    return render_template(
        "students/activities/edit.html", form=form, activity=activity, groups=GROUPS
    ), form_status(form)


@bp.route("/moi", methods=["GET", "POST"])
@roles_required(*WRITERS)
def new():
    """Record an activity."""
    return _save(None)


@bp.route("/<int:activity_id>")
@roles_required(*READERS)
def detail(activity_id: int):
    """An activity, its participants and what its campaign raised."""
    activity = get_activity(current_user, activity_id)
    return render_template(
        "students/activities/detail.html",
        a=activity,
        kinds=KIND,
        groups=GROUPS,
        raised=raised(activity),
        photos=photos_of(activity),
        consents=CONSENT,
        photo_form=PhotoForm(),
    )


@bp.route("/<int:activity_id>/sua", methods=["GET", "POST"])
@roles_required(*WRITERS)
def edit(activity_id: int):
    """Edit an activity."""
    return _save(get_activity(current_user, activity_id))
