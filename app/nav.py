"""Menus: the public header links, the footer's extra links and the back-office menu, filled by
each domain package."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request, url_for


@dataclass(frozen=True)
class NavItem:
    """One menu link."""

    label: str  # a lazy_gettext string
    endpoint: str
    roles: frozenset[str]
    order: int = 50


_BACKOFFICE: list[NavItem] = []
_PUBLIC: list[NavItem] = []
_FOOTER: list[NavItem] = []


def _add(items: list[NavItem], item: NavItem) -> None:
    # Once per endpoint, so that app factories can run many times (tests).
    if all(existing.endpoint != item.endpoint for existing in items):
        items.append(item)
        items.sort(key=lambda i: i.order)


def register(label, endpoint: str, roles, order: int = 50) -> None:
    """Add a back-office link for the given roles."""
    _add(_BACKOFFICE, NavItem(label, endpoint, frozenset(str(r) for r in roles), order))


def register_public(label, endpoint: str, order: int = 50) -> None:
    """Add a link to the public header."""
    _add(_PUBLIC, NavItem(label, endpoint, frozenset(), order))


def register_footer(label, endpoint: str, order: int = 50) -> None:
    """Add a public link to the footer only (pages a visitor looks for less often)."""
    _add(_FOOTER, NavItem(label, endpoint, frozenset(), order))


def _prefix(endpoint: str) -> str:
    return endpoint.split(".")[0]


def backoffice_items(user) -> list[dict]:
    """The back-office links this user's role may follow, the current section marked."""
    if not getattr(user, "is_authenticated", False):
        return []
    current = request.endpoint or ""
    visible = [item for item in _BACKOFFICE if user.role.value in item.roles]
    return [
        {
            "label": item.label,
            "url": url_for(item.endpoint),
            "active": current == item.endpoint
            or (_prefix(current) == _prefix(item.endpoint) and item.endpoint.endswith(".index")),
        }
        for item in visible
    ]


def public_items(footer: bool = False) -> list[dict]:
    """The public header links; with `footer=True`, followed by the footer's own links (the
    footer lists them all: it is the menu of a phone without JavaScript)."""
    current = request.endpoint or ""
    items = [*_PUBLIC, *_FOOTER] if footer else _PUBLIC
    return [
        {"label": item.label, "url": url_for(item.endpoint), "active": current == item.endpoint}
        for item in items
    ]
