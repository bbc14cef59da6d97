"""Pledges: the donation form, reference codes, the pledge page with its VietQR, the pledge API."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the pledge models and blueprints."""
    from donations.pledges import (  # noqa: F401 - models, routes
        admin_views,
        api,
        gifts_admin,
        models,
        views,
    )

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(admin_views.bp)
    app.add_template_filter(memo_groups)


def memo_groups(memo: str) -> list[str]:
    """The memo in short groups that read aloud and type easily: "TS", then fours, then words.

    Only the display is grouped; the copy button and the QR carry the memo whole.
    """
    groups: list[str] = []
    for word in (memo or "").split():
        if len(word) == 10 and word.startswith("TS"):
            groups += [word[:2], word[2:6], word[6:]]
        else:
            groups.append(word)
    return groups
