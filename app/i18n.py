"""Language choice: Vietnamese first, English second."""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    current_app,
    has_request_context,
    redirect,
    request,
    session,
    url_for,
)

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    """The visitor's chosen language, Vietnamese by default (and outside requests: CLI, jobs).

    `?lang=en` on any address asks for one page in English (links shared abroad, the API);
    the language switch remembers the choice in the session.
    """
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    for wanted in (request.args.get("lang"), session.get("lang")):
        if isinstance(wanted, str) and wanted in current_app.config["LANGUAGES"]:
            return wanted
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


@bp.route("/ngon-ngu/<code>")
def switch(code: str):
    """Remember the language and go back where the visitor was."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    target = request.referrer or ""
    host = request.host_url
    return redirect(target if target.startswith(host) else url_for("web.home"))


def register(app: Flask) -> None:
    """Add the language switch route and `flask translations …`."""
    from app import catalogs

    app.register_blueprint(bp)
    catalogs.register(app)
