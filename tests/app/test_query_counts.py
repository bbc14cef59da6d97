"""The core back-office lists run as many queries for 30 rows as for 3."""

from __future__ import annotations

import itertools

from app.audit.service import record
from app.extensions import db
from app.units.models import Commune, School, Unit, UnitKind


def _queries(client, query_count, url: str) -> int:
    assert client.get(url).status_code == 200  # warm: first-request set-up is not the page
    with query_count() as counted:
        response = client.get(url)
    assert response.status_code == 200, url
    return counted.count


def test_audit_log(client, login_as, query_count, make_user):
    login_as("admin")
    actors = [make_user("manager", "a"), make_user("treasurer"), None]
    numbers = itertools.count(1)

    def add(n: int) -> None:
        for _ in range(n):
            i = next(numbers)
            actor = actors[i % 3]
            record(actor, "test.action", actor, f"Việc thử {i}", {"field": [i, i + 1]})
        db.session.commit()

    add(3)
    few = _queries(client, query_count, "/quan-tri/nhat-ky/")
    add(27)
    assert _queries(client, query_count, "/quan-tri/nhat-ky/") == few


def test_users_units_schools_and_communes(client, login_as, query_count, make_user, units):
    """Each row in a unit, commune or school of its own (shared ones would hide a lazy load)."""
    login_as("admin")
    numbers = itertools.count(1)
    pages = [
        "/quan-tri/nguoi-dung/",
        "/quan-tri/don-vi/",
        "/quan-tri/don-vi/truong",
        "/quan-tri/don-vi/xa",
    ]

    def add(n: int) -> None:
        for _ in range(n):
            i = next(numbers)
            unit = Unit(
                code=f"truong-{i}", name=f"Đoàn trường {i}", kind=UnitKind.school, parent=units["a"]
            )
            commune = Commune(name=f"Xã {i}", unit=unit)
            db.session.add_all([unit, commune])
            db.session.flush()
            make_user("field" if i % 2 else "manager", unit)
            db.session.add(School(name=f"Trường {i}", level="thcs", commune=commune, unit=unit))
        db.session.commit()

    add(3)
    few = [_queries(client, query_count, url) for url in pages]
    add(27)
    assert [_queries(client, query_count, url) for url in pages] == few
