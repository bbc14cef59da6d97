"""DESIGN.md §6: with the full demo data, no public page or API response names a child."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.demo import seed_all
from app.extensions import db
from students.care.models import ConsentScope
from students.demo import DEMO_SPONSOR_LINK
from students.privacy import public_label, public_view
from students.registry.models import Student
from tests.fixtures.students import public_urls


@pytest.fixture
def demo(app):
    seed_all(lambda _msg: None)
    # Ethnicities are ordinary words ("Thái" is also in "trạng thái"): give each child a
    # marker so that a leak of the field itself can be seen.
    for student in db.session.execute(select(Student)).scalars():
        student.ethnicity = f"DanToc{student.public_id.replace('-', '')}"
    db.session.commit()
    return list(db.session.execute(select(Student)).scalars())


def _secrets(students: list[Student]) -> list[str]:
    out = []
    for s in students:
        d = s.birth_date
        out += [
            s.full_name,
            s.ethnicity,
            s.guardian_phone,
            d.isoformat(),
            d.strftime("%d/%m/%Y"),
            f"{d.day}/{d.month}/{d.year}",
        ]
        if s.guardian_name:
            out.append(s.guardian_name)
    return [x for x in out if x]


def test_no_public_page_or_api_names_a_child(app, demo):
    assert len(demo) >= 55
    secrets = _secrets(demo)
    client = app.test_client()
    seen = 0
    for url in public_urls(app):
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code != 200:
            continue
        seen += 1
        body = response.data.decode("utf-8", "ignore")
        for secret in secrets:
            assert secret not in body, f"{secret!r} appears on {url}"
    assert seen >= 5
    sponsor_page = client.get(f"/do-dau/{DEMO_SPONSOR_LINK}")
    assert sponsor_page.status_code == 200


def test_public_output_follows_current_consent(app, demo):
    by_scope = {}
    for s in demo:
        consent = s.consents[-1] if s.consents else None
        by_scope.setdefault(consent.scope if consent else None, s)
    nothing = by_scope[None]
    assert public_view(nothing) is None and public_label(nothing) == nothing.public_id
    basic = by_scope[ConsentScope.basic]
    view = public_view(basic)
    assert view["first_name"] is None and view["photo"] is False
    assert view["grade"] == basic.grade and view["school"] == basic.school.name
    assert basic.full_name.split()[-1] not in public_label(basic).split(" · ")[0]
    named = by_scope[ConsentScope.named]
    assert public_view(named)["first_name"] == named.full_name.split()[-1]
    assert public_view(named)["photo"] is False  # no photo stored, none shown
