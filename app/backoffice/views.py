"""The back-office shell: dashboard and the menu every role sees."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app import nav
from app.auth.guards import roles_required
from app.auth.models import Role

bp = Blueprint("backoffice", __name__, url_prefix="/quan-tri")

ALL_ROLES = tuple(Role)
# Domain packages add dashboard cards: callables taking the user, returning
# {"title", "value", "url"} or None when the card is not for this user.
DASHBOARD_CARDS: list[Callable] = []

nav.register(_l("Tổng quan"), "backoffice.dashboard", ALL_ROLES, order=1)


def add_dashboard_card(provider: Callable) -> None:
    """Register a dashboard card provider once."""
    if provider not in DASHBOARD_CARDS:
        DASHBOARD_CARDS.append(provider)


@bp.route("/")
@roles_required(*ALL_ROLES)
def dashboard():
    """What needs this user's attention."""
    cards = [card for card in (p(current_user) for p in DASHBOARD_CARDS) if card]
    return render_template("backoffice/dashboard.html", cards=cards)
