"""/chien-dich/<slug>/minh-bach: the campaign's transparency tab, charts drawn on the server."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.money import format_vnd
from campaigns import services as campaigns
from transparency import charts
from transparency.campaign import services

bp = Blueprint("campaign_transparency", __name__)

CHANNELS = {
    "bank": _l("Chuyển khoản ngân hàng"),
    "card": _l("Thẻ thanh toán"),
    "in_kind": _l("Hiện vật"),
}


@bp.get("/chien-dich/<slug>/minh-bach")
def tab(slug: str):
    campaign = campaigns.public_campaign(slug)
    report = services.report(campaign)
    return render_template(
        "transparency/campaign/tab.html",
        r=report,
        f=report.figures,
        channels=CHANNELS,
        charts=_charts(report),
    )


def _charts(report: services.CampaignReport) -> dict:
    out = {}
    if any(v for _d, v in report.by_day):
        out["by_day"] = charts.columns(
            [charts.Bar(d.strftime("%d/%m"), v, format_vnd(v)) for d, v in report.by_day],
            title=_("Tiền nhận theo ngày (%(n)s ngày gần nhất)", n=len(report.by_day)),
            fmt=format_vnd,
        )
    money = [(c, v) for c, a, v in report.by_channel if a == "VND" and v]
    if money:
        out["by_channel"] = charts.hbars(
            [charts.Bar(str(CHANNELS[c]), v, format_vnd(v)) for c, v in money],
            title=_("Tiền nhận theo kênh"),
            fmt=format_vnd,
        )
    if report.budget:
        out["budget"] = charts.paired(
            [(line.label, line.budget, line.spent) for line in report.budget],
            title=_("Dự toán và đã chi theo hạng mục"),
            legend=(_("Dự toán"), _("Đã chi")),
            fmt=format_vnd,
        )
    return out


def campaign_transparency_url(slug: str) -> str:
    return url_for("campaign_transparency.tab", slug=slug)
