"""Back office: the gifts to the campaigns of one's units (managers see their money).

Read-only: donor label as the public sees it (never an e-mail or phone), amount, channel, date,
status; filtered by campaign, channel and dates; exported as CSV through app.spreadsheets.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import Response, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import nav
from app.auth.guards import roles_required, unit_scope_clause
from app.dbtypes import VN_TZ
from app.extensions import db
from app.spreadsheets import csv_lines
from campaigns.models import Campaign
from donations.models import Donation
from donations.pledges.admin_views import bp

GIFT_READERS = ("admin", "manager", "treasurer", "auditor")
CHANNELS = {
    "bank": (_l("Chuyển khoản"), ("sepay", "casso", "statement", "manual")),
    "card": (_l("Thẻ"), ("stripe",)),
}
nav.register(_l("Khoản ủng hộ của đơn vị"), "pledges_admin.unit_gifts", GIFT_READERS, order=29)


def channel_of(provider: str) -> str:
    for label, providers in CHANNELS.values():
        if provider in providers:
            return str(label)
    return provider


def donor_label(donation: Donation) -> str:
    """What the public statement shows for this gift: the donor's chosen name or anonymous."""
    pledge = donation.pledge
    if pledge is not None and pledge.show_on_wall and pledge.public_name:
        return pledge.public_name
    return _("Nhà hảo tâm ẩn danh")


def status_of(donation: Donation) -> str:
    return _("Đã đảo") if donation.reversal_seq else _("Đã nhận")


def _day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError:
        return None


def _filters() -> dict:
    return {
        "campaign": request.args.get("campaign", "").strip(),
        "channel": request.args.get("channel", "")
        if request.args.get("channel") in CHANNELS
        else "",
        "since": _day(request.args.get("since")),
        "until": _day(request.args.get("until")),
    }


def _query(f: dict):
    stmt = (
        select(Donation)
        .join(Campaign, Campaign.id == Donation.campaign_id)
        .where(unit_scope_clause(current_user, Campaign.unit_id))
        .options(selectinload(Donation.pledge), selectinload(Donation.campaign))
        .order_by(Donation.received_at.desc(), Donation.id.desc())
    )
    if f["campaign"].isdigit():
        stmt = stmt.where(Donation.campaign_id == int(f["campaign"]))
    if f["channel"]:
        stmt = stmt.where(Donation.provider.in_(CHANNELS[f["channel"]][1]))
    if f["since"]:
        stmt = stmt.where(Donation.received_at >= datetime.combine(f["since"], time(), VN_TZ))
    if f["until"]:
        end = datetime.combine(f["until"] + timedelta(days=1), time(), VN_TZ)
        stmt = stmt.where(Donation.received_at < end)
    return stmt


def _campaigns() -> list[Campaign]:
    return list(
        db.session.execute(
            select(Campaign)
            .where(unit_scope_clause(current_user, Campaign.unit_id))
            .order_by(Campaign.title)
        ).scalars()
    )


@bp.route("/khoan-ung-ho")
@roles_required(*GIFT_READERS)
def unit_gifts():
    """Gifts to the campaigns in the user's units, newest first."""
    f = _filters()
    page = db.paginate(_query(f), per_page=30, error_out=False)
    return render_template(
        "donations/pledges/admin/unit_gifts.html",
        page=page,
        f=f,
        campaigns=_campaigns(),
        channels=CHANNELS,
        donor_label=donor_label,
        channel_of=channel_of,
        status_of=status_of,
    )


@bp.route("/khoan-ung-ho.csv")
@roles_required(*GIFT_READERS)
def unit_gifts_csv():
    """The same list (every page, same filters) as CSV."""
    f = _filters()
    donations = db.session.execute(_query(f)).scalars().all()
    header = [_("Ngày nhận"), _("Chiến dịch"), _("Người ủng hộ"), _("Số tiền (đồng)"),
              _("Kênh"), _("Trạng thái")]  # fmt: skip
    rows = [header] + [
        [
            d.received_at.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M"),
            d.campaign.title,
            donor_label(d),
            d.amount,
            channel_of(d.provider),
            status_of(d),
        ]
        for d in donations
        if d.asset == "VND"
    ]
    response = Response("".join(csv_lines(rows)), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="khoan-ung-ho.csv"'
    return response
