"""Campaign updates (news posts with photos) and members' personal fundraising pages."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.audit.service import diff, record
from app.auth.guards import require_role, require_unit
from app.auth.models import Role, User
from app.dbtypes import utcnow
from app.errors import Conflict, DomainError, NotFound
from app.extensions import db
from app.text import normalize_email
from app.units.models import Unit
from campaigns import cache
from campaigns.images import ImageError, store_image
from campaigns.models import (
    Campaign,
    CampaignStatus,
    CampaignUpdate,
    FundraisingPage,
    PageStatus,
    ReferralCode,
)
from campaigns.referrals import new_page_code
from campaigns.services import _text, check_editor

BODY_MAX = 20_000
MESSAGE_MAX = 2_000


def _store(image: bytes) -> str:
    try:
        return store_image(image)
    except ImageError as err:
        raise ImageError(err.message, field="image") from None


def create_update(
    user: User, campaign: Campaign, title: str, body_md: str, image: bytes | None = None
) -> CampaignUpdate:
    """Post news on a campaign; the photo (optional) is sanitised before anything is saved."""
    check_editor(user, campaign)
    title = _text(title, "title", _l("tiêu đề"), 160)
    body_md = _text(body_md, "body_md", _l("nội dung"), BODY_MAX)
    key = _store(image) if image else None
    update = CampaignUpdate(
        campaign_id=campaign.id,
        title=title,
        body_md=body_md,
        image=key,
        author_id=user.id,
        published_at=utcnow(),
    )
    db.session.add(update)
    db.session.flush()
    record(
        user,
        "campaign.update_post",
        update,
        _l("Đăng tin “%(title)s” (%(campaign)s)", title=title, campaign=campaign.title),
        {"title": [None, title], "image": [None, key]},
    )
    cache.clear_after_commit()
    return update


def edit_update(
    user: User, update: CampaignUpdate, title: str, body_md: str, image: bytes | None = None
) -> CampaignUpdate:
    """Change the text (and optionally the photo) of an update."""
    check_editor(user, update.campaign)
    values = {
        "title": _text(title, "title", _l("tiêu đề"), 160),
        "body_md": _text(body_md, "body_md", _l("nội dung"), BODY_MAX),
    }
    if image:
        values["image"] = _store(image)
    changes = diff(update, values)
    for name, value in values.items():
        setattr(update, name, value)
    db.session.flush()
    if changes:
        if "body_md" in changes:
            changes["body_md"] = ["…", f"{len(values['body_md'])} ký tự"]
        summary = _l("Sửa tin “%(title)s”", title=update.title)
        record(user, "campaign.update_edit", update, summary, changes)
    cache.clear_after_commit()
    return update


def delete_update(user: User, update: CampaignUpdate) -> None:
    """Remove an update (its photos stay on disk: other posts may share them)."""
    check_editor(user, update.campaign)
    record(
        user,
        "campaign.update_delete",
        update,
        _l("Xoá tin “%(title)s”", title=update.title),
        {"title": [update.title, None]},
    )
    db.session.delete(update)
    db.session.flush()
    cache.clear_after_commit()


def create_page(
    campaign: Campaign,
    *,
    owner_name: str,
    owner_email: str,
    unit_id: int | None,
    title: str,
    message: str,
    goal: int,
) -> FundraisingPage:
    """A member asks for a personal page; it stays hidden until the campaign's unit approves."""
    if not campaign.accepts_gifts:
        raise DomainError(
            _l("Chiến dịch này không còn nhận ủng hộ, nên không thể tạo trang gây quỹ.")
        )
    owner_name = _text(owner_name, "owner_name", _l("họ tên"), 120)
    owner_email = normalize_email(owner_email)
    if owner_email is None:
        raise DomainError(_l("Địa chỉ e-mail không hợp lệ."), field="owner_email")
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if unit is None or not unit.active:
        raise DomainError(_l("Vui lòng chọn chi đoàn / đơn vị của bạn."), field="unit_id")
    title = _text(title, "title", _l("tiêu đề"), 160)
    message = _text(message, "message", _l("lời nhắn"), MESSAGE_MAX)
    if isinstance(goal, bool) or not isinstance(goal, int) or goal <= 0:
        raise DomainError(_l("Mục tiêu phải lớn hơn 0."), field="goal")
    if goal > current_app.config["MAX_AMOUNT"]:
        raise DomainError(_l("Mục tiêu quá lớn."), field="goal")
    code = new_page_code(unit.id)
    page = FundraisingPage(
        campaign_id=campaign.id,
        unit_id=unit.id,
        referral_code_id=code.id,
        owner_name=owner_name,
        owner_email=owner_email,
        title=title,
        message=message,
        goal=goal,
        status=PageStatus.pending,
    )
    db.session.add(page)
    db.session.flush()
    record(
        None,
        "campaign.page_request",
        page,
        _l("Đề nghị trang gây quỹ của %(name)s", name=owner_name),
        {"campaign": [None, campaign.slug], "code": [None, code.code]},
    )
    return page


def decide_page(user: User, page: FundraisingPage, approve: bool) -> FundraisingPage:
    """The campaign's unit (or an admin) approves or rejects a personal page."""
    require_role(user, (Role.admin, Role.manager))
    require_unit(user, page.campaign.unit_id)
    if page.status != PageStatus.pending and approve == (page.status == PageStatus.approved):
        raise Conflict(_l("Trang này đã được xử lý."))
    before = page.status
    page.status = PageStatus.approved if approve else PageStatus.rejected
    page.decided_by_id = user.id
    page.decided_at = utcnow()
    db.session.flush()
    record(
        user,
        "campaign.page_approve" if approve else "campaign.page_reject",
        page,
        _l("Trang gây quỹ của %(name)s", name=page.owner_name),
        {"status": [before.value, page.status.value]},
    )
    cache.clear_after_commit()
    return page


def public_page(slug: str, code: str) -> FundraisingPage:
    """An approved personal page of a visible campaign, else NotFound."""
    page = db.session.execute(
        select(FundraisingPage)
        .join(Campaign, Campaign.id == FundraisingPage.campaign_id)
        .join(ReferralCode, ReferralCode.id == FundraisingPage.referral_code_id)
        .where(
            Campaign.slug == slug,
            ReferralCode.code == (code or "").strip().lower(),
            FundraisingPage.status == PageStatus.approved,
        )
    ).scalar_one_or_none()
    if page is not None and page.campaign.status != CampaignStatus.draft:
        return page
    raise NotFound(_l("Không tìm thấy trang gây quỹ này, hoặc trang chưa được duyệt."))
