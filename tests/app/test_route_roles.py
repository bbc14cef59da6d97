"""Every back-office route declares its roles, and each role gets exactly what it declares."""

from __future__ import annotations

import pytest

from app.auth.models import Role
from tests.conftest import login

BACKOFFICE_PREFIX = "/quan-tri"


def _fill(rule) -> str:
    values = {}
    for name, converter in rule._converters.items():
        kind = type(converter).__name__
        values[name] = 999_999 if kind in ("IntegerConverter",) else "khong-co-999"
    return rule.build(values, append_unknown=False)[1]


def backoffice_rules(app):
    return [r for r in app.url_map.iter_rules() if r.rule.startswith(BACKOFFICE_PREFIX)]


def test_every_backoffice_route_declares_its_roles(app):
    missing = [
        r.rule
        for r in backoffice_rules(app)
        if not getattr(app.view_functions[r.endpoint], "allowed_roles", None)
    ]
    assert missing == [], f"back-office routes without @roles_required: {missing}"


def test_anonymous_visitors_are_sent_to_login(app, client, units):
    for rule in backoffice_rules(app):
        if "GET" in rule.methods:
            response = client.get(_fill(rule))
            assert response.status_code == 302, rule.rule
            assert "/dang-nhap" in response.headers["Location"], rule.rule


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_each_role_reaches_exactly_its_routes(app, client, make_user, role):
    user = make_user(role, "a" if role in ("manager", "field") else "province")
    assert login(client, user).status_code == 302
    wrong = []
    for rule in backoffice_rules(app):
        allowed = {r.value for r in app.view_functions[rule.endpoint].allowed_roles}
        url = _fill(rule)
        for method in ("GET", "POST"):
            if method not in rule.methods:
                continue
            status = client.open(url, method=method).status_code
            # A service may still refuse a write to a role the page is open to (an auditor
            # reads a page but cannot post its form): 403 is fine there, a crash never is.
            refused = (403, 500) if method == "GET" else (500,)
            if role in allowed and status in refused:
                wrong.append(f"{method} {rule.rule}: {role} is allowed but got {status}")
            if role not in allowed and status != 403:
                wrong.append(f"{method} {rule.rule}: {role} is not allowed but got {status}")
    assert wrong == []
