"""The follow-up lists (pairs, entitlements and the follow-up list, activities, surveys) run as
many queries for 30 rows as for 3: each row with a school or campaign of its own."""

from __future__ import annotations

import itertools

from app.extensions import db
from app.units.models import School
from students import schoolyear
from students.activities.services import ActivityData, save_activity
from students.entitlements.services import record_entitlement, save_kind
from students.peer.services import create_pair

YEAR = schoolyear.current_year()


def _queries(client, query_count, url: str) -> int:
    assert client.get(url).status_code == 200
    with query_count() as counted:
        assert client.get(url).status_code == 200, url
    return counted.count


def test_follow_up_lists(
    client, login_as, query_count, make_student, make_user, make_campaign, places, units
):
    login_as("admin")
    manager = make_user("manager", "a")
    kind = save_kind(
        make_user("admin"),
        None,
        code="mien-hp-q",
        name="Miễn học phí",
        category="tuition_exemption",
        legal_basis="Nghị định 81/2021/NĐ-CP",
        situations=["poor"],
        minority_communes=[],
        active=True,
    )
    numbers = itertools.count(1)

    def add(n: int) -> None:
        for _ in range(n):
            i = next(numbers)
            school = School(name=f"Trường đếm {i}", commune_id=places["commune_a"].id)
            db.session.add(school)
            db.session.flush()
            student = make_student(full_name=f"Lò Thị Đếm {i:03d}", school_id=school.id)
            create_pair(
                manager,
                student_public_id=student.public_id,
                school_year=YEAR,
                model="study",
                helpers=[("An", "7A")],
                follower="Cô Lan",
                started_on=schoolyear.bounds(YEAR)[0],
            )
            record_entitlement(
                manager,
                student_public_id=student.public_id,
                kind_id=kind.id,
                school_year=YEAR,
                received=False,
                confirmed_on=None,
            )
            campaign = make_campaign(f"dem-{i}", unit="a")
            save_activity(
                manager,
                None,
                ActivityData(
                    unit_id=units["a"].id,
                    kind="drive",
                    title=f"Vận động {i}",
                    held_on=schoolyear.bounds(YEAR)[0],
                    place="Xã",
                    campaign_id=campaign.id,
                ),
            )
        db.session.commit()

    pages = [
        f"/quan-tri/doi-ban/?year={YEAR}",
        f"/quan-tri/che-do/?year={YEAR}",
        f"/quan-tri/che-do/can-theo-doi?year={YEAR}",
        "/quan-tri/hoat-dong/",
        f"/quan-tri/hoat-dong/lich?year={YEAR}",
    ]
    add(3)
    few = {url: _queries(client, query_count, url) for url in pages}
    add(27)
    many = {url: _queries(client, query_count, url) for url in pages}
    assert many == few
