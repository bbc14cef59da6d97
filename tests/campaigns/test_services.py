"""Campaign rules: validation, lifecycle, unit scope, audit, nothing half-saved."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.errors import Conflict, DomainError, Forbidden
from app.extensions import db
from app.ledger import service as ledger
from campaigns import services as svc
from campaigns.models import Campaign, CampaignStatus
from campaigns.text import render_markdown, slugify


def _data(units, **over):
    data = dict(
        title="Hũ gạo tiếp sức đến trường",
        slug="",
        summary="Gạo cho bếp bán trú.",
        story_md="Câu chuyện.",
        kind="rice_jar",
        unit_id=units["a"].id,
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 5, 31),
    )
    data.update(over)
    return data


def _count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_create_makes_a_draft_with_slug_from_title_and_is_audited(make_user, units):
    manager = make_user("manager", "a")
    campaign = svc.create_campaign(manager, **_data(units))
    db.session.commit()
    assert campaign.status == CampaignStatus.draft
    assert campaign.slug == "hu-gao-tiep-suc-den-truong"
    entry = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "campaign.create")
    ).scalar_one()
    assert entry.actor_email == manager.email


def test_overlong_title_refused_and_nothing_saved(make_user, units):
    manager = make_user("manager", "a")
    with pytest.raises(DomainError) as err:
        svc.create_campaign(manager, **_data(units, title="x" * 161))
    db.session.rollback()
    assert err.value.field == "title" and "160" in err.value.message
    assert _count(Campaign) == 0


@pytest.mark.parametrize("slug", ["A B", "-bad", "x", "có-dấu", "a" * 80])
def test_bad_slugs_refused(make_user, units, slug):
    with pytest.raises(DomainError) as err:
        svc.create_campaign(make_user("admin"), **_data(units, slug=slug))
    assert err.value.field == "slug"


def test_duplicate_slug_is_a_conflict(make_user, units, make_campaign):
    make_campaign("hu-gao")
    with pytest.raises(Conflict):
        svc.create_campaign(make_user("admin"), **_data(units, slug="hu-gao"))


def test_end_before_start_refused(make_user, units):
    with pytest.raises(DomainError) as err:
        svc.create_campaign(make_user("admin"), **_data(units, ends_on=date(2026, 1, 1)))
    assert err.value.field == "ends_on"


def test_manager_cannot_touch_another_units_campaign(make_user, make_campaign, units):
    campaign = make_campaign(unit="b")
    manager = make_user("manager", "a")
    with pytest.raises(Forbidden):
        svc.update_campaign(manager, campaign, **_data(units, unit_id=units["b"].id))
    with pytest.raises(Forbidden):
        svc.create_campaign(manager, **_data(units, unit_id=units["b"].id))
    with pytest.raises(Forbidden):
        svc.set_status(manager, campaign, "closed")


def test_manager_reaches_school_below_own_district(make_user, make_campaign):
    campaign = make_campaign(unit="school", status="draft")
    svc.set_status(make_user("manager", "a"), campaign, "published")
    assert campaign.status == CampaignStatus.published


def test_field_and_treasurer_cannot_edit(make_user, make_campaign):
    campaign = make_campaign()
    for role in ("field", "treasurer", "auditor"):
        with pytest.raises(Forbidden):
            svc.set_status(make_user(role, "a"), campaign, "closed")


def test_publish_needs_a_goal(make_user, make_campaign):
    campaign = make_campaign(status="draft", goals=())
    with pytest.raises(DomainError, match="mục tiêu"):
        svc.set_status(make_user("admin"), campaign, "published")
    svc.add_goal(make_user("admin"), campaign, "RICE_G", 2_000_000)
    svc.set_status(make_user("admin"), campaign, "published")
    assert campaign.status == CampaignStatus.published


def test_lifecycle_refuses_illegal_moves(make_user, make_campaign):
    admin = make_user("admin")
    campaign = make_campaign(status="draft")
    with pytest.raises(Conflict):
        svc.set_status(admin, campaign, "closed")
    svc.set_status(admin, campaign, "published")
    svc.set_status(admin, campaign, "closed")
    svc.set_status(admin, campaign, "published")  # reopened
    svc.set_status(admin, campaign, "closed")
    svc.set_status(admin, campaign, "archived")
    with pytest.raises(Conflict):
        svc.set_status(admin, campaign, "published")
    actions = db.session.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars().all()
    assert actions == [
        "campaign.publish",
        "campaign.close",
        "campaign.publish",
        "campaign.close",
        "campaign.archive",
    ]


def test_slug_fixed_once_published(make_user, make_campaign, units):
    campaign = make_campaign("co-dinh")
    with pytest.raises(DomainError, match="đường dẫn"):
        svc.update_campaign(make_user("admin"), campaign, **_data(units, slug="moi"))


def test_slug_fixed_once_money_moved_even_in_draft(make_user, make_campaign, units, give):
    campaign = make_campaign("nhap", status="draft")
    give(campaign, 100_000)
    with pytest.raises(DomainError):
        svc.update_campaign(make_user("admin"), campaign, **_data(units, slug="khac"))
    assert ledger.balance("campaign:nhap") == 100_000


def test_one_goal_per_asset_and_positive(make_user, make_campaign):
    admin = make_user("admin")
    campaign = make_campaign()
    with pytest.raises(Conflict):
        svc.add_goal(admin, campaign, "VND", 5_000_000)
    with pytest.raises(DomainError):
        svc.add_goal(admin, campaign, "BICYCLE", 0)
    with pytest.raises(DomainError):
        svc.add_goal(admin, campaign, "GOLD", 5)


def test_budget_and_milestones(make_user, make_campaign):
    admin = make_user("admin")
    campaign = make_campaign(kind="boarding_house")
    line = svc.add_budget_line(admin, campaign, "Mái tôn", 180_000_000)
    item = svc.add_milestone(admin, campaign, "Khởi công", date(2026, 10, 1))
    svc.toggle_milestone(admin, campaign, item.id)
    db.session.commit()
    assert campaign.budget_lines[0].amount == 180_000_000 and campaign.milestones[0].done
    svc.remove_budget_line(admin, campaign, line.id)
    with pytest.raises(DomainError):
        svc.add_budget_line(admin, campaign, "", 5)
    with pytest.raises(DomainError):
        svc.add_budget_line(admin, campaign, "Giường", -5)


def test_markdown_scripts_and_handlers_removed():
    html = str(
        render_markdown(
            "Xin chào <script>alert('x')</script> [bấm](javascript:alert(1)) "
            "<img src=x onerror=alert(1)> <a href='https://vi.wikipedia.org' onclick='x()'>wiki</a>"
        )
    )
    assert "<script" not in html and "alert" not in html
    assert "javascript:" not in html and "onerror" not in html and "onclick" not in html
    assert 'href="https://vi.wikipedia.org"' in html


def test_slugify_vietnamese():
    assert slugify("Nhà bán trú cho em – Đợt 2") == "nha-ban-tru-cho-em-dot-2"
