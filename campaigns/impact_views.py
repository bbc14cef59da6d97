"""Back office: a campaign's impact tiers (add, remove), on the campaigns admin blueprint."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user

from app import uow
from app.auth.guards import roles_required
from app.errors import DomainError
from campaigns import impact
from campaigns.admin_views import EDITORS, _back, _campaign, bp
from campaigns.forms import parse_target


@bp.route("/<int:campaign_id>/muc-ung-ho", methods=["POST"])
@roles_required(*EDITORS)
def add_tier(campaign_id: int):
    """Add an impact tier."""
    campaign = _campaign(campaign_id)
    form = impact.TierForm(prefix="tier")
    with uow.attempt() as done:
        if not form.validate():
            raise DomainError(" ".join(str(e) for errs in form.errors.values() for e in errs))
        amount = parse_target(form.asset.data, form.amount.data, field="amount")
        impact.add_tier(current_user, campaign, form.asset.data, amount, form.label.data)
    return _back(campaign, done, _("Đã thêm mức ủng hộ."))


@bp.route("/<int:campaign_id>/muc-ung-ho/<int:tier_id>/xoa", methods=["POST"])
@roles_required(*EDITORS)
def remove_tier(campaign_id: int, tier_id: int):
    """Delete an impact tier."""
    campaign = _campaign(campaign_id)
    with uow.attempt() as done:
        impact.remove_tier(current_user, campaign, tier_id)
    return _back(campaign, done, _("Đã xoá mức ủng hộ."))
