"""Campaign rules: create, edit, move through draft → published → closed → archived, goals,
budget lines, milestones and the cover image. Services flush and audit; callers commit."""

from __future__ import annotations

from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import func, select

from app.audit.service import diff, record
from app.auth.guards import can_reach_unit, require_role, require_unit
from app.auth.models import Role, User
from app.errors import Conflict, DomainError, NotFound
from app.extensions import db
from app.ledger.models import Asset, LedgerEntry
from app.units.models import Unit
from campaigns import cache
from campaigns.images import ImageError, image_exists, store_image
from campaigns.models import (
    GENERAL_FUND_SLUG,
    BudgetLine,
    Campaign,
    CampaignGoal,
    CampaignKind,
    CampaignStatus,
    Milestone,
)
from campaigns.spending.models import Expense
from campaigns.text import SLUG_RE, slugify

EDITORS = (Role.admin, Role.manager)
TITLE_MAX = 160
SUMMARY_MAX = 300
STORY_MAX = 50_000
LABEL_MAX = 160
S = CampaignStatus
TRANSITIONS: dict[CampaignStatus, set[CampaignStatus]] = {
    S.draft: {S.published, S.archived},
    S.published: {S.closed},
    S.closed: {S.published, S.archived},
    S.archived: set(),
}
STATUS_ACTIONS = {S.published: "publish", S.closed: "close", S.archived: "archive"}


def check_editor(user: User, campaign: Campaign | None = None, unit_id: int | None = None) -> None:
    """Admins edit every campaign, managers those of their unit and the units below it."""
    require_role(user, EDITORS)
    require_unit(user, campaign.unit_id if campaign is not None else unit_id)


def can_edit(user: User, campaign: Campaign) -> bool:
    """True when `user` may change `campaign` (for showing buttons)."""
    return user.role in EDITORS and can_reach_unit(user, campaign.unit_id)


def _capitalized(label) -> str:
    return str(label).capitalize()


def _text(value: str | None, name: str, label, maximum: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_l("Vui lòng nhập %(what)s.", what=label), field=name)
    if len(value) > maximum:
        raise DomainError(
            _l(
                "%(what)s dài tối đa %(max)s ký tự (hiện có %(n)s).",
                what=LazyString(_capitalized, label),
                max=maximum,
                n=len(value),
            ),
            field=name,
        )
    return value


def _has_entries(slug: str) -> bool:
    account = f"campaign:{slug}"
    return (
        db.session.execute(
            select(LedgerEntry.seq)
            .where((LedgerEntry.source == account) | (LedgerEntry.destination == account))
            .limit(1)
        ).first()
        is not None
    )


def _check_slug(slug: str, title: str, campaign: Campaign | None, kind: CampaignKind) -> str:
    slug = (slug or "").strip().lower() or slugify(title)
    if not SLUG_RE.match(slug):
        raise DomainError(
            _l("Đường dẫn chỉ gồm chữ thường không dấu, số và gạch nối (3–70 ký tự)."),
            field="slug",
        )
    if slug == GENERAL_FUND_SLUG and kind != CampaignKind.general:
        raise DomainError(_l("Đường dẫn này dành cho quỹ chung."), field="slug")
    clash = db.session.execute(select(Campaign).where(Campaign.slug == slug)).scalar_one_or_none()
    if clash is not None and clash is not campaign:
        raise Conflict(_l("Đường dẫn này đã được một chiến dịch khác dùng."), field="slug")
    # The ledger account is named after the slug: it is fixed once money may have moved.
    if (
        campaign is not None
        and slug != campaign.slug
        and (campaign.status != S.draft or _has_entries(campaign.slug))
    ):
        raise DomainError(
            _l("Không thể đổi đường dẫn sau khi chiến dịch đã công bố."), field="slug"
        )
    return slug


def _clean(user: User, campaign: Campaign | None, data: dict) -> dict:
    title = _text(data.get("title"), "title", _l("tên chiến dịch"), TITLE_MAX)
    try:
        kind = CampaignKind(str(data.get("kind") or ""))
    except ValueError:
        raise DomainError(_l("Loại chiến dịch không hợp lệ."), field="kind") from None
    unit_id = data.get("unit_id")
    if not unit_id or db.session.get(Unit, unit_id) is None:
        raise DomainError(_l("Vui lòng chọn đơn vị phụ trách."), field="unit_id")
    require_unit(user, unit_id)
    starts_on: date | None = data.get("starts_on")
    ends_on: date | None = data.get("ends_on")
    if starts_on is None:
        raise DomainError(_l("Vui lòng nhập ngày bắt đầu."), field="starts_on")
    if ends_on is not None and ends_on < starts_on:
        raise DomainError(_l("Ngày kết thúc phải sau ngày bắt đầu."), field="ends_on")
    values = {
        "title": title,
        "slug": _check_slug(data.get("slug", ""), title, campaign, kind),
        "summary": _text(data.get("summary"), "summary", _l("tóm tắt"), SUMMARY_MAX),
        "story_md": _text(
            data.get("story_md"), "story_md", _l("câu chuyện"), STORY_MAX, required=False
        ),
        "kind": kind,
        "unit_id": unit_id,
        "starts_on": starts_on,
        "ends_on": ends_on,
    }
    if user.role == Role.admin and "featured" in data:
        values["featured"] = bool(data["featured"])
    return values


def create_campaign(user: User, **data) -> Campaign:
    """A new draft campaign (goals are added afterwards)."""
    require_role(user, EDITORS)
    values = _clean(user, None, data)
    campaign = Campaign(status=S.draft, **values)
    db.session.add(campaign)
    db.session.flush()
    record(
        user,
        "campaign.create",
        campaign,
        _l("Tạo chiến dịch %(title)s", title=campaign.title),
        {k: [None, v] for k, v in values.items() if k != "story_md"},
    )
    cache.clear_after_commit()
    return campaign


def update_campaign(user: User, campaign: Campaign, **data) -> Campaign:
    """Change a campaign's text, dates, unit or kind."""
    check_editor(user, campaign)
    values = _clean(user, campaign, data)
    changes = diff(campaign, values)
    if "story_md" in changes:
        changes["story_md"] = ["…", f"{len(values['story_md'])} ký tự"]
    for name, value in values.items():
        setattr(campaign, name, value)
    db.session.flush()
    if changes:
        summary = _l("Sửa chiến dịch %(title)s", title=campaign.title)
        record(user, "campaign.update", campaign, summary, changes)
    cache.clear_after_commit()
    return campaign


def set_status(user: User, campaign: Campaign, status: CampaignStatus | str) -> Campaign:
    """Publish, close, reopen or archive, refusing moves the lifecycle does not allow."""
    check_editor(user, campaign)
    try:
        target = CampaignStatus(status)
    except ValueError:
        raise DomainError(_l("Trạng thái không hợp lệ.")) from None
    if target not in TRANSITIONS[campaign.status]:
        raise Conflict(
            _l(
                "Không thể chuyển chiến dịch từ “%(old)s” sang “%(new)s”.",
                old=campaign.status.value,
                new=target.value,
            )
        )
    if target == S.published:
        if not campaign.summary.strip():
            raise DomainError(_l("Cần có tóm tắt trước khi công bố."))
        if campaign.kind != CampaignKind.general and not campaign.goals:
            raise DomainError(
                _l("Cần ít nhất một mục tiêu (tiền hoặc hiện vật) trước khi công bố.")
            )
    before = campaign.status
    campaign.status = target
    db.session.flush()
    record(
        user,
        f"campaign.{STATUS_ACTIONS[target]}",
        campaign,
        f"{campaign.title}: {before.value} → {target.value}",
        {"status": [before.value, target.value]},
    )
    cache.clear_after_commit()
    return campaign


def use_stored_cover(user: User, campaign: Campaign, key: str) -> Campaign:
    """Use a cover already stored (uploaded before a preview); flushes."""
    check_editor(user, campaign)
    if not image_exists(key):
        raise DomainError(_l("Ảnh bìa đã chọn không còn; hãy chọn lại tệp."), field="cover")
    before = campaign.cover_image
    campaign.cover_image = key
    db.session.flush()
    record(
        user,
        "campaign.cover",
        campaign,
        _l("Đổi ảnh bìa %(title)s", title=campaign.title),
        {"cover_image": [before, key]},
    )
    cache.clear_after_commit()
    return campaign


def set_cover(user: User, campaign: Campaign, data: bytes) -> Campaign:
    """Store an uploaded cover (sanitised, resized) and use it."""
    check_editor(user, campaign)
    try:
        key = store_image(data)
    except ImageError as err:
        raise ImageError(err.message, field="cover") from None
    before = campaign.cover_image
    campaign.cover_image = key
    db.session.flush()
    record(
        user,
        "campaign.cover",
        campaign,
        _l("Đổi ảnh bìa %(title)s", title=campaign.title),
        {"cover_image": [before, key]},
    )
    cache.clear_after_commit()
    return campaign


def add_goal(
    user: User, campaign: Campaign, asset: str, target: int, label: str = ""
) -> CampaignGoal:
    """A target in one asset; one goal per asset."""
    check_editor(user, campaign)
    if db.session.get(Asset, asset) is None:
        raise DomainError(_l("Loại tài sản không tồn tại."), field="asset")
    if isinstance(target, bool) or not isinstance(target, int) or target <= 0:
        raise DomainError(_l("Mục tiêu phải là số nguyên lớn hơn 0."), field="target")
    if target > current_app.config["MAX_AMOUNT"] * 1000:
        raise DomainError(_l("Mục tiêu quá lớn."), field="target")
    if any(g.asset == asset for g in campaign.goals):
        raise Conflict(
            _l("Chiến dịch đã có mục tiêu cho loại này; hãy xoá mục tiêu cũ trước."),
            field="asset",
        )
    label = _text(label, "label", _l("nhãn"), 120, required=False)
    goal = CampaignGoal(asset=asset, target=target, label=label)
    campaign.goals.append(goal)
    db.session.flush()
    record(
        user,
        "campaign.goal_add",
        campaign,
        _l("Thêm mục tiêu %(target)s %(asset)s", target=target, asset=asset),
        {"goal": [None, {"asset": asset, "target": target, "label": label}]},
    )
    cache.clear_after_commit()
    return goal


def remove_goal(user: User, campaign: Campaign, goal_id: int) -> None:
    """Delete a goal of this campaign."""
    check_editor(user, campaign)
    goal = next((g for g in campaign.goals if g.id == goal_id), None)
    if goal is None:
        raise NotFound(_l("Không tìm thấy mục tiêu."))
    if (
        campaign.status == S.published
        and len(campaign.goals) == 1
        and campaign.kind != CampaignKind.general
    ):
        raise DomainError(_l("Chiến dịch đang công bố cần ít nhất một mục tiêu."))
    campaign.goals.remove(goal)
    db.session.flush()
    record(
        user,
        "campaign.goal_remove",
        campaign,
        _l("Xoá mục tiêu %(target)s %(asset)s", target=goal.target, asset=goal.asset),
        {"goal": [{"asset": goal.asset, "target": goal.target}, None]},
    )
    cache.clear_after_commit()


def add_budget_line(user: User, campaign: Campaign, label: str, amount: int) -> BudgetLine:
    """A line of the works budget, in đồng."""
    check_editor(user, campaign)
    label = _text(label, "label", _l("hạng mục"), LABEL_MAX)
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise DomainError(_l("Số tiền phải lớn hơn 0."), field="amount")
    line = BudgetLine(label=label, amount=amount)
    campaign.budget_lines.append(line)
    db.session.flush()
    record(
        user,
        "campaign.budget_add",
        campaign,
        _l("Thêm hạng mục %(label)s", label=label),
        {"line": [None, [label, amount]]},
    )
    cache.clear_after_commit()
    return line


def remove_budget_line(user: User, campaign: Campaign, line_id: int) -> None:
    """Delete a budget line."""
    check_editor(user, campaign)
    line = next((x for x in campaign.budget_lines if x.id == line_id), None)
    if line is None:
        raise NotFound(_l("Không tìm thấy hạng mục."))
    if db.session.execute(select(Expense.id).where(Expense.budget_line_id == line.id)).first():
        raise Conflict(_l("Hạng mục đã có khoản chi gắn vào nên không xoá được."))
    campaign.budget_lines.remove(line)
    db.session.flush()
    record(
        user,
        "campaign.budget_remove",
        campaign,
        _l("Xoá hạng mục %(label)s", label=line.label),
        {"line": [[line.label, line.amount], None]},
    )
    cache.clear_after_commit()


def add_milestone(user: User, campaign: Campaign, title: str, due_on: date | None) -> Milestone:
    """A step of the works."""
    check_editor(user, campaign)
    title = _text(title, "title", _l("tên mốc"), LABEL_MAX)
    item = Milestone(title=title, due_on=due_on, done=False)
    campaign.milestones.append(item)
    db.session.flush()
    record(
        user,
        "campaign.milestone_add",
        campaign,
        _l("Thêm mốc %(title)s", title=title),
        {"milestone": [None, title]},
    )
    cache.clear_after_commit()
    return item


def toggle_milestone(user: User, campaign: Campaign, milestone_id: int) -> Milestone:
    """Mark a milestone done, or not done again."""
    check_editor(user, campaign)
    item = next((m for m in campaign.milestones if m.id == milestone_id), None)
    if item is None:
        raise NotFound(_l("Không tìm thấy mốc."))
    item.done = not item.done
    db.session.flush()
    record(
        user,
        "campaign.milestone_toggle",
        campaign,
        _l("Mốc %(title)s", title=item.title),
        {"done": [not item.done, item.done]},
    )
    cache.clear_after_commit()
    return item


def remove_milestone(user: User, campaign: Campaign, milestone_id: int) -> None:
    """Delete a milestone."""
    check_editor(user, campaign)
    item = next((m for m in campaign.milestones if m.id == milestone_id), None)
    if item is None:
        raise NotFound(_l("Không tìm thấy mốc."))
    campaign.milestones.remove(item)
    db.session.flush()
    record(
        user,
        "campaign.milestone_remove",
        campaign,
        _l("Xoá mốc %(title)s", title=item.title),
        {"milestone": [item.title, None]},
    )
    cache.clear_after_commit()


def public_campaign(slug: str) -> Campaign:
    """A campaign visitors may see (published, closed or archived), else NotFound."""
    campaign = db.session.execute(
        select(Campaign).where(Campaign.slug == slug)
    ).scalar_one_or_none()
    if campaign is None or campaign.status == S.draft:
        raise NotFound(
            _l(
                "Không tìm thấy chiến dịch này. "
                "Có thể đường dẫn bị sai hoặc chiến dịch chưa công bố."
            )
        )
    return campaign


def count_by_status(user: User) -> dict[str, int]:
    """Campaigns in the user's scope, by status (for the dashboard)."""
    from app.auth.guards import unit_scope_clause

    rows = db.session.execute(
        select(Campaign.status, func.count(Campaign.id))
        .where(unit_scope_clause(user, Campaign.unit_id))
        .group_by(Campaign.status)
    )
    return {status.value: int(n) for status, n in rows}
