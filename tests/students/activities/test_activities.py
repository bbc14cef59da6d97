"""Activities: recorded with participants by group, refused when impossible, the campaign's
figures, the calendar with its peak periods."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.errors import DomainError, Forbidden
from app.extensions import db
from campaigns.models import CampaignKind
from students.activities import calendar
from students.activities.models import Activity
from students.activities.services import ActivityData, raised, save_activity


def _data(units, **overrides) -> ActivityData:
    values = dict(
        unit_id=units["a"].id,
        kind="art_programme",
        title="Đêm nhạc gây quỹ",
        held_on=date(2026, 11, 20),
        place="Nhà văn hoá",
        participants={"members": 30, "parents": 12, "teachers": None},
        students_reached=15,
    )
    values.update(overrides)
    return ActivityData(**values)


def test_an_activity_counts_participants_and_shows_its_campaign_raised(
    make_user, make_campaign, give, units
):
    event = make_campaign("dem-nhac", unit="a", kind="event")
    assert event.kind == CampaignKind.event
    give(event, 2_500_000)
    activity = save_activity(make_user("field", "a"), None, _data(units, campaign_id=event.id))
    assert activity.participants == {"members": 30, "parents": 12}
    assert activity.participant_total == 42
    assert raised(activity) == {"VND": 2_500_000}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_on": date(2026, 11, 1)}, "ends_on"),
        ({"ends_on": date(2027, 6, 1)}, "ends_on"),
        ({"title": " "}, "title"),
        ({"place": ""}, "place"),
        ({"kind": "party"}, "kind"),
        ({"students_reached": -1}, "students_reached"),
        ({"participants": {"members": -5}}, "p_members"),
        ({"participants": {"aliens": 5}}, "participants"),
        ({"campaign_id": 999_999}, "campaign_id"),
    ],
)
def test_impossible_activities_are_refused(make_user, units, overrides, field):
    with pytest.raises(DomainError) as err:
        save_activity(make_user("field", "a"), None, _data(units, **overrides))
    assert err.value.field == field


def test_a_unit_records_only_its_own_activities(make_user, units):
    with pytest.raises(Forbidden):
        save_activity(make_user("field", "b"), None, _data(units))


def test_calendar_marks_after_summer_and_before_tet():
    peaks = calendar.peaks(2026)
    assert peaks[0].first == date(2026, 8, 1) and peaks[0].last == date(2026, 9, 30)
    assert peaks[1].last == date(2027, 2, 5)  # Tết 2027 is 6 February
    months = calendar.months(2026, [])
    marked = [m.first.month for m in months if m.peaks]
    assert marked == [8, 9, 1, 2]
    assert len(months) == 12 and months[0].first == date(2026, 8, 1)


def test_pages_record_and_show_the_calendar(client, login_as, units):
    login_as("field", "a")
    data = {
        "unit_id": str(units["a"].id),
        "kind": "drive",
        "title": "Vận động sau hè",
        "held_on": "2026-08-28",
        "ends_on": "2026-08-20",
        "place": "Xã Thử",
        "p_members": "12",
        "students_reached": "9",
    }
    refused = client.post("/quan-tri/hoat-dong/moi", data=data)
    assert refused.status_code == 422 and "Ngày kết thúc" in refused.text
    data["ends_on"] = ""
    assert client.post("/quan-tri/hoat-dong/moi", data=data).status_code == 302
    activity = db.session.execute(select(Activity)).scalar_one()
    assert activity.participants == {"members": 12}
    page = client.get("/quan-tri/hoat-dong/lich?year=2026-2027")
    assert "Vận động sau hè" in page.text and "Cao điểm trước Tết" in page.text
    assert "Vận động sau hè" in client.get(f"/quan-tri/hoat-dong/{activity.id}").text
