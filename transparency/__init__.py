"""Transparency (DESIGN.md §3, §8): the public statement and its search, verification of the
chain, tracing a gift to its use, where each campaign's money went, reports, the public API.

The top floor: it may read every other package, and nothing imports it. Each concern is a
sub-package with its own `init_app(app)`; this one calls every sub-package it finds.
"""

from __future__ import annotations

import importlib
import pkgutil

from flask import Flask


def init_app(app: Flask) -> None:
    """Register every sub-package (models, blueprints, menus, commands)."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.ispkg and info.name != "translations":
            module = importlib.import_module(f"{__name__}.{info.name}")
            if hasattr(module, "init_app"):
                module.init_app(app)
