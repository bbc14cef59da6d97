"""Sponsorships (back office), term updates, and the sponsor's private page (public)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import uow
from app.auth.guards import require_unit, roles_required
from app.errors import DomainError, NotFound
from app.extensions import db
from app.formtools import form_status, page_number
from campaigns.models import GENERAL_FUND_SLUG, Campaign, CampaignStatus
from students.blueprint import WRITERS, bp, public_bp, sponsors_bp
from students.fields import DateOnlyForm
from students.quantity import parse_quantity
from students.registry.services import get_student
from students.sponsorship import services as svc
from students.sponsorship.forms import SponsorshipForm, TermUpdateForm
from students.sponsorship.models import Sponsorship

MANAGERS = ("admin", "manager", "treasurer")
READERS = ("admin", "manager", "treasurer", "auditor")


@sponsors_bp.route("/")
@roles_required(*READERS)
def index():
    """Sponsorships of students in scope."""
    # Each row shows its student and pledge: load them for the page, not row by row.
    stmt = svc.list_sponsorships(current_user).options(
        selectinload(Sponsorship.student), selectinload(Sponsorship.pledge)
    )
    page = db.paginate(stmt, page=page_number(), per_page=30, error_out=False)
    return render_template(
        "students/sponsorship/sponsors.html", page=page, end_form=DateOnlyForm(formdata=None)
    )


def _student(public_id: str):
    """The student to sponsor; not finding one is a mistake in the form's field."""
    try:
        return get_student(current_user, public_id.strip().upper(), audit_read=False)
    except NotFound as err:
        raise DomainError(err.message, field="student") from None


@sponsors_bp.route("/moi", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def new():
    """A donor sponsors a named student; a monthly pledge carries the payment."""
    form = SponsorshipForm()
    campaigns = list(
        db.session.execute(
            select(Campaign)
            .where(Campaign.status == CampaignStatus.published)
            .order_by(Campaign.title)
        ).scalars()
    )
    form.campaign_id.choices = [(c.id, c.title) for c in campaigns]
    if request.method == "GET":
        form.student.data = request.args.get("hs", "")
        form.campaign_id.data = next((c.id for c in campaigns if c.slug == GENERAL_FUND_SLUG), None)
    if form.validate_on_submit():
        with uow.attempt(form, fields={"amount": "monthly_amount"}) as done:
            student = _student(form.student.data)
            amount = parse_quantity(form.monthly_amount.data, "VND")
            sp = svc.create_sponsorship(
                current_user,
                student,
                campaign=db.session.get(Campaign, form.campaign_id.data),
                donor_name=form.donor_name.data,
                donor_email=form.donor_email.data,
                monthly_amount=amount,
                method=form.method.data,
            )
        if done:
            flash(
                _(
                    "Đã ghi nhận nhà đỡ đầu. Mã chuyển khoản định kỳ: %(ref)s.",
                    ref=sp.pledge.reference if sp.pledge else "—",
                ),
                "success",
            )
            return redirect(url_for("sponsors.index"))
    return render_template("students/sponsorship/sponsor_new.html", form=form), form_status(form)


@sponsors_bp.route("/<int:sponsorship_id>/ket-thuc", methods=["POST"])
@roles_required(*MANAGERS)
def end(sponsorship_id: int):
    """Stop a sponsorship."""
    sp = db.session.get(Sponsorship, sponsorship_id) or abort(404)
    require_unit(current_user, sp.student.unit_id)  # before reading the form: scope first
    form = DateOnlyForm()
    if form.validate_on_submit():
        with uow.attempt() as done:
            svc.end_sponsorship(current_user, sp, form.on.data)
        if done:
            flash(_("Đã kết thúc việc đỡ đầu."), "success")
    return redirect(url_for("sponsors.index"))


@bp.route("/<public_id>/cap-nhat", methods=["GET", "POST"])
@roles_required(*WRITERS)
def term_update(public_id: str):
    """Write a term update for the student's sponsors (checked against consent)."""
    student = get_student(current_user, public_id, audit_read=False)
    form = TermUpdateForm()
    if form.validate_on_submit():
        with uow.attempt(form) as done:
            svc.write_update(current_user, student, term=form.term.data, body=form.body.data)
        if done:
            flash(_("Đã lưu và gửi cập nhật tới nhà đỡ đầu."), "success")
            return redirect(url_for("students.detail", public_id=public_id))
    sponsors = len(svc.active_sponsors(student))
    return render_template(
        "students/sponsorship/term_update.html", form=form, s=student, sponsors=sponsors
    ), form_status(form)


@public_bp.route("/do-dau/<token>")
def sponsor_page(token: str):
    """The sponsor's private page: only what consent allows, and the term updates."""
    if len(token) > 64:
        abort(404)
    context = svc.sponsor_page(token)
    return render_template("students/sponsorship/sponsor_page.html", **context)
