"""The review queue's extra action: assign to a campaign under a donor's name."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import uow
from app.auth.guards import roles_required
from app.extensions import db
from campaigns.models import Campaign
from donations.bank import review, suggestions
from donations.bank.admin_views import (
    TREASURY,
    TX_LABELS,
    _accepted_choices,
    _campaign_choices,
    _tx_or_404,
    bp,
)
from donations.bank.forms import AssignForm, DismissForm


@bp.post("/giao-dich/<int:tx_id>/gan-ten")
@roles_required(*TREASURY)
def assign_named(tx_id: int):
    """Count a waiting transfer as a gift to a campaign, shown under the donor's name."""
    form = suggestions.NamedAssignForm(prefix="n")
    form.campaign_id.choices = _accepted_choices()
    if form.validate_on_submit():
        with uow.attempt(form) as done:
            tx = review.load_for_update(tx_id)
            campaign = (
                db.session.get(Campaign, form.campaign_id.data) if form.campaign_id.data else None
            )
            review.assign(
                current_user, tx, campaign=campaign, label=" ".join(form.donor_name.data.split())
            )
        if done:
            flash(_("Đã ghi nhận giao dịch thành khoản ủng hộ."), "success")
            return redirect(url_for("bank_admin.transactions"))
    form.campaign_id.choices = _campaign_choices()
    tx = _tx_or_404(tx_id)
    assign_form = AssignForm(prefix="a", formdata=None)
    assign_form.campaign_id.choices = _campaign_choices()
    context = suggestions.review_context(tx, _campaign_choices())
    context["named_form"] = form
    return render_template(
        "donations/bank/admin/transaction.html",
        tx=tx,
        labels=TX_LABELS,
        assign_form=assign_form,
        dismiss_form=DismissForm(prefix="d", formdata=None),
        **context,
    ), 422
