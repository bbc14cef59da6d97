"""Public pages of the core: home, about, health check."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, jsonify, render_template
from flask_babel import lazy_gettext as _l
from sqlalchemy import text

from app import nav
from app.extensions import db, limiter

bp = Blueprint("web", __name__)
nav.register_public(_l("Trang chủ"), "web.home", order=1)
nav.register_public(_l("Về quỹ"), "web.about", order=90)

# Domain packages add sections to the home page: callables returning
# {"template": ..., "order": ..., **context}.
HOME_SECTIONS: list[Callable[[], dict]] = []


def add_home_section(provider: Callable[[], dict]) -> None:
    """Register a home-page section provider once."""
    if provider not in HOME_SECTIONS:
        HOME_SECTIONS.append(provider)


@bp.route("/")
def home():
    """The front page: the fund, then whatever the domain packages contribute."""
    sections = sorted((p() for p in HOME_SECTIONS), key=lambda s: s.get("order", 50))
    return render_template("home.html", sections=sections)


@bp.route("/ve-quy")
def about():
    """The fund, why children drop out, what the fund does, how money is controlled."""
    return render_template("about.html")


@bp.route("/healthz")
@limiter.exempt
def healthz():
    """200 when the database answers, 503 otherwise (for load balancers and monitors)."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any failure to reach the database means "not healthy"
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
