"""Every back-office route declares its roles; each role gets exactly those, on real objects.

The ids in the URLs are those of real rows of huyện A (tests/fixtures/world.py): a role that may
open a page must get it for a real object, and a manager or field member of huyện B must be
refused (403) or told there is nothing (404) for every one of them.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.auth.models import Role
from app.extensions import db
from students.registry import importer
from tests.conftest import login

BACKOFFICE_PREFIX = "/quan-tri"


def _arguments(rule) -> set[str]:
    """The rule's own arguments (`/moi` fills `campaign_id` with None by default)."""
    return set(rule.arguments) - set(rule.defaults or {})


def _values(rule, world) -> dict:
    """A real value of huyện A's world for each argument of the rule."""
    campaigns = rule.endpoint.startswith("campaigns_admin.")
    rounds = rule.endpoint.startswith("student_rounds.")
    proposals = rule.endpoint.startswith("approvals.")
    known = {
        "campaign_id": world["campaign"].id,
        "milestone_id": world["milestone"].id,
        "goal_id": world["campaign"].goals[0].id,
        "line_id": world["budget_line"].id if campaigns else world["line"].id,
        "update_id": world["update"].id,
        "tier_id": world["tier"].id,
        "photo_id": world["visit_photo"].id,
        "page_id": world["page"].id,
        "action": "doi",
        "sponsorship_id": world["sponsorship"].id,
        "unit_id": world["unit"].id,
        "school_id": world["school"].id,
        "commune_id": world["commune"].id,
        "user_id": world["field"].id,
        "tx_id": world["transaction"].id,
        "import_id": world["statement_import"].id,
        "reversal_id": world["reversal"].id,
        "evidence_id": world["evidence"].id,
        "expense_id": world["expense"].id,
        "consent_id": world["consent"].id,
        "public_id": (
            world["round"].public_id
            if rounds
            else world["proposal"].public_id
            if proposals
            else world["student"].public_id
        ),
        "job_id": world["job"].id,
        "fmt": "pdf",
        "token": world["import_token"],
        "seq": world["entry"].seq,
        "reference": world["pledge"].reference,
        "month": "2026-11",
        "pair_id": world["pair"].id,
        "entitlement_id": world["entitlement"].id,
        "kind_id": world["kind"].id,
        "activity_id": world["activity"].id,
        "activity_photo_id": world["activity_photo"].id,
        "survey_id": world["survey"].id,
        "report_id": world["report"].id,
        "list_id": world["commendation"].id,
    }
    missing = _arguments(rule) - set(known)
    assert not missing, f"give {rule.rule} a real {missing} in tests/fixtures/world.py"
    return {name: known[name] for name in _arguments(rule)}


def _url(rule, world, **own) -> str:
    return rule.build({**_values(rule, world), **own}, append_unknown=False)[1]


def backoffice_rules(app):
    return [r for r in app.url_map.iter_rules() if r.rule.startswith(BACKOFFICE_PREFIX)]


def test_every_backoffice_route_declares_its_roles(app):
    missing = [
        r.rule
        for r in backoffice_rules(app)
        if not getattr(app.view_functions[r.endpoint], "allowed_roles", None)
    ]
    assert missing == [], f"back-office routes without @roles_required: {missing}"


def test_anonymous_visitors_are_sent_to_login(app, client, world):
    for rule in backoffice_rules(app):
        for method in ("GET", "POST"):
            if method not in rule.methods:
                continue
            response = client.open(_url(rule, world), method=method)
            assert response.status_code == 302, (method, rule.rule)
            assert "/dang-nhap" in response.headers["Location"], rule.rule


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_each_role_reaches_exactly_its_routes(app, client, make_user, world, role):
    user = make_user(role, "a" if role in ("manager", "field") else "province")
    assert login(client, user).status_code == 302
    # An import preview is its author's alone: give this user one of their own.
    own = {"token": importer.save_preview(user, [], user.unit_id)}
    wrong = []
    # Every page is read before any form is posted: a POST may remove its object (a goal, a
    # photo), after which a request for it rightly finds nothing.
    for method in ("GET", "POST"):
        for rule in backoffice_rules(app):
            if method not in rule.methods:
                continue
            allowed = {r.value for r in app.view_functions[rule.endpoint].allowed_roles}
            url = _url(rule, world, **own)
            status = client.open(url, method=method).status_code
            # A service may still refuse a write to a role the page is open to (an auditor
            # reads a page but cannot post its form): 403 is fine there, a crash never is.
            refused = (403, 404, 500) if method == "GET" else (500,)
            if role in allowed and status in refused:
                wrong.append(f"{method} {url}: {role} is allowed but got {status}")
            if role not in allowed and status != 403:
                wrong.append(f"{method} {url}: {role} is not allowed but got {status}")
    assert wrong == []


def _state(world) -> dict:
    """What a refused request could have changed, read fresh from the database."""
    db.session.expire_all()
    campaign = world["campaign"]
    return {
        "campaign": (campaign.title, campaign.status, len(campaign.goals)),
        "milestone": world["milestone"].done,
        "budget": [line.id for line in campaign.budget_lines],
        "update": world["update"].title,
        "page": world["page"].status,
        "student": (world["student"].status, world["student"].full_name),
        "consent": world["consent"].withdrawn_on,
        "round": (world["round"].status, [line.id for line in world["round"].lines]),
        "sponsorship": world["sponsorship"].active,
        "transaction": world["transaction"].status,
        "reversal": world["reversal"].status,
        "field": (world["field"].active, world["field"].role),
        "unit": world["unit"].name,
        "school": world["school"].name,
        "commune": world["commune"].name,
    }


@pytest.mark.parametrize("role", ["manager", "field"])
def test_huyen_b_reaches_nothing_of_huyen_a(app, client, make_user, world, role):
    before = _state(world)
    outsider = make_user(role, "b")
    assert login(client, outsider).status_code == 302
    wrong = []
    for rule in backoffice_rules(app):
        if not _arguments(rule) - {"fmt", "action"}:
            continue  # lists and forms: scoped by unit elsewhere
        url = _url(rule, world)
        for method in ("GET", "POST"):
            if method not in rule.methods:
                continue
            status = client.open(url, method=method, data={}).status_code
            if status not in (403, 404):
                wrong.append(f"{method} {url}: {role} of huyện B got {status}")
    assert wrong == []
    assert _state(world) == before
    actions = db.session.execute(
        select(AuditEntry.action).where(AuditEntry.actor_id == outsider.id)
    ).scalars()
    assert set(actions) <= {"user.login"}  # no file read, nothing written
