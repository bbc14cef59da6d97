"""Donations (DESIGN.md §3): the donation record and its signals, and six sub-packages.

`pledges` (the donor's intent and its page), `bank` (VietQR transfers, notifications, statements,
the review queue), `cards` (Stripe, its fees), `receipts` (numbered receipts and "my gifts"),
`in_kind` (goods, each unit's store) and `corrections` (reversals with four eyes, overpaid
pledges). They import one way: pledges ← bank, cards, in_kind ← receipts ← corrections; the
record (`models.Donation`, `recording`, `signals`) at this level is shared by all of them.
"""

from __future__ import annotations

import importlib

from flask import Flask

SUBPACKAGES = ("pledges", "bank", "cards", "receipts", "in_kind", "corrections")


def init_app(app: Flask) -> None:
    """Register every sub-package's models, blueprints, menus, seeders and commands."""
    importlib.import_module("donations.models")
    for name in SUBPACKAGES:
        importlib.import_module(f"donations.{name}").init_app(app)
