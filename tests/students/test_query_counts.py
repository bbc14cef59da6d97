"""The students back office runs as many queries for 30 students or rounds as for 3."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from app.extensions import db
from app.units.models import School
from students.care.services import add_visit
from students.rounds import services as rounds
from students.sponsorship.services import create_sponsorship
from tests.fixtures.students import consent_with_scan

STUDENT_PAGES = [
    "/quan-tri/hoc-sinh/",
    "/quan-tri/hoc-sinh/can-tham",
    "/quan-tri/hoc-sinh/nguy-co",
    "/quan-tri/hoc-sinh/ket-qua",
]


def _queries(client, query_count, url: str) -> int:
    assert client.get(url).status_code == 200  # warm: first-request set-up is not the page
    with query_count() as counted:
        response = client.get(url)
    assert response.status_code == 200, url
    return counted.count


@pytest.fixture
def fund(make_campaign, give):
    campaign = make_campaign("quy-chung", unit="province")
    give(campaign, 50_000_000)
    return campaign


def _school(places, units, i: int) -> School:
    """A school of its own for each child (a shared one would hide a lazy load)."""
    school = School(
        name=f"Trường thử {i}",
        level="thcs",
        commune_id=places["commune_a"].id,
        unit_id=units["school"].id,
    )
    db.session.add(school)
    db.session.flush()
    return school


def test_student_lists(client, login_as, query_count, make_student, make_user, places, units):
    login_as("admin")
    manager = make_user("manager", "a")
    names = itertools.count(1)

    def add(n: int) -> None:
        for _ in range(n):
            i = next(names)
            student = make_student(
                full_name=f"Học Sinh Thứ {i}", school_id=_school(places, units, i).id
            )
            if i % 3:
                consent_with_scan(manager, student)
                add_visit(
                    manager,
                    student,
                    visited_on=date(2026, 10, 1),
                    visitors="Tổ công tác",
                    causes=["distance"],
                    next_visit_on=date(2026, 11, 1),
                )
        db.session.commit()

    add(3)
    few = [_queries(client, query_count, url) for url in STUDENT_PAGES]
    add(27)
    assert [_queries(client, query_count, url) for url in STUDENT_PAGES] == few


def test_rounds_list_and_a_round_with_many_lines(
    client, login_as, query_count, make_student, make_user, make_campaign, give, fund, units, places
):
    login_as("treasurer")
    manager = make_user("manager", "a")
    rnd = rounds.create_round(manager, campaign_id=fund.id, title="Đợt lớn", unit_id=units["a"].id)
    names = itertools.count(1)

    def add(n: int) -> None:
        for _ in range(n):
            i = next(names)
            unit = units["a" if i % 2 else "school"]
            student = make_student(
                full_name=f"Học Sinh Thứ {i}",
                school_id=_school(places, units, i).id,
                unit_id=unit.id,
            )
            rounds.add_line(
                manager, rnd, student_public_id=student.public_id, asset="VND", amount=100_000
            )
            campaign = make_campaign(f"dot-{i}", unit="province")  # one each, as rows differ
            give(campaign, 100_000)
            other = rounds.create_round(
                manager,
                campaign_id=campaign.id,
                title=f"Đợt {i}",
                unit_id=unit.id,
            )
            rounds.add_line(
                manager, other, student_public_id=student.public_id, asset="VND", amount=50_000
            )
            rounds.propose(manager, other)
        db.session.commit()

    pages = ["/quan-tri/dot-trao/", f"/quan-tri/dot-trao/{rnd.public_id}"]
    add(3)
    few = [_queries(client, query_count, url) for url in pages]
    add(27)
    assert [_queries(client, query_count, url) for url in pages] == few


def test_sponsorships_list(client, login_as, query_count, make_student, make_user, fund):
    login_as("treasurer")
    manager = make_user("manager", "a")
    names = itertools.count(1)

    def add(n: int) -> None:
        for _ in range(n):
            i = next(names)
            create_sponsorship(
                manager,
                make_student(full_name=f"Học Sinh Thứ {i}"),
                campaign=fund,
                donor_name=f"Nhà đỡ đầu {i}",
                donor_email=f"do-dau-{i}@example.org",
                monthly_amount=200_000,
                method="bank",
            )
        db.session.commit()

    add(3)
    few = _queries(client, query_count, "/quan-tri/do-dau/")
    add(27)
    assert _queries(client, query_count, "/quan-tri/do-dau/") == few
