"""Every back-office route of the students package, for every role (DESIGN.md §7).

The objects are huyện A's real rows of the `world` fixture (tests/fixtures/world.py).
"""

from __future__ import annotations

import pytest

from app.auth.models import Role
from app.extensions import db
from tests.conftest import login

PREFIXES = ("students.", "student_rounds.", "sponsors.")
MONEY = ("student_rounds.", "sponsors.")


def _routes(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint.startswith(PREFIXES)]


def _url(rule, world) -> str:
    values = {}
    for arg in rule.arguments:
        if arg == "public_id":
            values[arg] = (
                world["round"].public_id
                if rule.endpoint.startswith("student_rounds.")
                else world["student"].public_id
            )
        elif arg == "line_id":
            values[arg] = world["line"].id
        elif arg == "consent_id":
            values[arg] = world["consent"].id
        elif arg == "evidence_id":
            values[arg] = world["evidence"].id
        elif arg == "photo_id":
            values[arg] = world["visit_photo"].id
        elif arg == "sponsorship_id":
            values[arg] = world["sponsorship"].id
        elif arg == "fmt":
            values[arg] = "pdf"
        elif arg == "token":
            values[arg] = world["import_token"]  # huyện A manager's preview
        else:
            raise AssertionError(f"fill {arg} for {rule.rule}")
    return _build(rule.rule, values)


def _build(template: str, values: dict) -> str:
    out = template
    for key, value in values.items():
        out = out.replace(f"<int:{key}>", str(value)).replace(f"<{key}>", str(value))
    return out


def _unit_of(role: str) -> str:
    return "a" if role in ("manager", "field") else "province"


def test_every_route_declares_its_roles(app):
    routes = _routes(app)
    assert len(routes) >= 25
    for rule in routes:
        view = app.view_functions[rule.endpoint]
        allowed = getattr(view, "allowed_roles", None)
        assert allowed, f"{rule.endpoint} has no @roles_required"
        if rule.endpoint.startswith(MONEY):
            assert Role.field not in allowed, (
                f"field members must not reach money page {rule.endpoint}"
            )


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_each_role_reaches_what_it_may_and_nothing_else(app, world, make_user, role):
    user = make_user(role, _unit_of(role))
    client = app.test_client()
    login(client, user)
    for rule in _routes(app):
        allowed = {r.value for r in app.view_functions[rule.endpoint].allowed_roles}
        url = _url(rule, world)
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.open(url, method=method, data={})
            where = f"{role} {method} {url} ({rule.endpoint})"
            if role not in allowed:
                assert response.status_code == 403, where
            else:
                assert response.status_code != 403 or (method == "POST" and role == "auditor"), (
                    where
                )
                assert response.status_code < 500, where
            if role == "auditor" and method == "POST":
                assert response.status_code == 403, f"auditors write nothing: {where}"


def test_a_manager_of_another_district_reaches_nothing(app, world, make_user):
    other = make_user("manager", "b")
    client = app.test_client()
    login(client, other)
    secrets = [
        world["student"].full_name,
        world["student"].public_id,
        world["round"].public_id,
        "Nhà hảo tâm Thử",
    ]
    for rule in _routes(app):
        url = _url(rule, world)
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.open(url, method=method, data={})
            body = response.get_data(as_text=True) if response.mimetype.startswith("text") else ""
            where = f"{method} {url}"
            if rule.arguments - {"fmt", "token"}:
                assert response.status_code in (403, 404), where
            else:
                assert response.status_code in (200, 302, 403, 404, 422), where
                for secret in secrets:
                    assert secret not in body, f"{secret} leaked on {where}"
    # Nothing changed for huyện A.
    db.session.expire_all()
    assert world["round"].status.value == "completed"
    assert len(world["student"].consents) == 1 and world["consent"].withdrawn_on is None
