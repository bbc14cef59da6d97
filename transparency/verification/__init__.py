"""Verification (DESIGN.md §8): the RFC 9162 Merkle tree over the ledger, inclusion and
consistency proofs, signed daily heads, the JSON Lines export and the page that explains them.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from app import nav
    from app.extensions import csrf
    from transparency.verification import cli, jobs, models  # noqa: F401 - commands, job, tables
    from transparency.verification.api import bp as api_bp
    from transparency.verification.views import bp, proof_box

    csrf.exempt(api_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(bp)
    app.add_template_global(proof_box, "ledger_proof_box")
    nav.register_public(_l("Kiểm chứng"), "verification.index", order=80)
