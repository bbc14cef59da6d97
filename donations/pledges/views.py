"""Public pages: the donation form, the pledge's VietQR page and its live status."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select

from app import uow
from app.errors import DomainError
from app.extensions import client_ip, db, limiter
from app.formtools import form_status
from app.money import format_vnd
from campaigns.figures import campaign_figures
from campaigns.impact import money_tiers
from campaigns.models import Campaign, CampaignStatus
from campaigns.views import public_url, share_links
from donations.cards.client import card_enabled
from donations.pledges import services, thanks
from donations.pledges.forms import DonationForm
from donations.pledges.models import PaymentMethod

bp = Blueprint("pledges", __name__)


def pledge_limit() -> str:
    """Pledges per visitor address (config PLEDGE_RATE_LIMIT)."""
    return current_app.config["PLEDGE_RATE_LIMIT"]


def _referral_code() -> str | None:
    """The visit's referral code if it is a real one (unknown codes are dropped, not stored)."""
    from campaigns.referrals import current_ref_code

    return current_ref_code()


def _campaign_or_404(slug: str) -> Campaign:
    campaign = db.session.execute(
        select(Campaign).where(Campaign.slug == slug)
    ).scalar_one_or_none()
    if campaign is None or campaign.status == CampaignStatus.draft:
        abort(404)
    return campaign


def raised(campaign: Campaign) -> int:
    """Đồng raised by the campaign so far (the one definition: campaigns.figures)."""
    return campaign_figures(campaign.account).get("raised")


@bp.route("/ung-ho/<slug>", methods=["GET", "POST"])
@limiter.limit(pledge_limit, methods=["POST"], key_func=client_ip)
def donate(slug: str):
    """The donation form of a campaign (and of a personal page, through ?ref=)."""
    campaign = _campaign_or_404(slug)
    form = DonationForm()
    tiers = money_tiers(campaign)
    if tiers:  # the campaign's own amounts, each with what it pays for
        form.amount_choice.choices = [(str(t.amount), format_vnd(t.amount)) for t in tiers] + [
            ("other", _("Số khác"))
        ]
        if request.method == "GET":
            form.amount_choice.data = str(tiers[min(1, len(tiers) - 1)].amount)
    if not card_enabled():
        form.method.choices = [c for c in form.method.choices if c[0] != "card"]
    if request.method == "POST" and (form.website.data or "").strip():
        # Only bots fill the hidden field; tell them nothing useful and store nothing.
        form.website.errors = [_("Không gửi được biểu mẫu. Vui lòng thử lại.")]
        return render_template("donations/pledges/donate.html", campaign=campaign, form=form), 400
    if campaign.accepts_gifts and form.validate_on_submit():
        request_ = services.PledgeRequest(
            campaign=campaign,
            amount=form.chosen_amount(),
            method=form.method.data or PaymentMethod.bank,
            monthly=form.monthly.data,
            donor_name=form.donor_name.data or "",
            anonymous=form.anonymous.data,
            show_on_wall=form.show_on_wall.data,
            email=form.email.data or "",
            phone=form.phone.data or "",
            message=form.message.data or "",
            is_business=form.is_business.data,
            company_name=form.company_name.data or "",
            tax_code=form.tax_code.data or "",
            company_address=form.company_address.data or "",
            ref_code=_referral_code(),
        )
        found = services.problems(request_)
        if found:
            form.show_problems(found)
        else:
            with uow.attempt(form, fields={"amount": "amount_other"}) as done:
                pledge = services.create_pledge(request_)
            if done:
                return redirect(url_for("pledges.pledge", reference=pledge.reference), 303)
    return render_template(
        "donations/pledges/donate.html",
        campaign=campaign,
        form=form,
        raised=raised(campaign),
        card=card_enabled(),
        tier_labels={str(t.amount): t.label for t in tiers},
        # In the visitor's number format (300.000 or 300,000), computed per request.
        example_amount=format_vnd(300_000).replace("₫", "").strip(),
    ), form_status(form)


def pledge_url(pledge) -> str:
    """The pledge's own page."""
    return url_for("pledges.pledge", reference=pledge.reference)


def _pledge_or_404(reference: str):
    try:
        return services.find_pledge(reference)
    except DomainError:
        abort(404)


@bp.route("/ung-ho/p/<reference>")
def pledge(reference: str):
    """The pledge page: VietQR, transfer details with copy buttons, live status."""
    pledge = _pledge_or_404(reference)
    if pledge.reference != reference:
        return redirect(url_for("pledges.pledge", reference=pledge.reference), 301)
    status = services.effective_status(pledge)
    campaign = pledge.campaign
    share_url = public_url("campaigns.detail", slug=campaign.slug, ref=pledge.ref_code or None)
    return render_template(
        "donations/pledges/pledge.html",
        pledge=pledge,
        campaign=campaign,
        account=services.fund_account(),
        memo=services.memo_for(pledge),
        due=services.amount_due(pledge),
        status=status.value,
        facts=thanks.money_facts(pledge, status),
        thanks_links=thanks.links(pledge) if pledge.received else [],
        contact=thanks.fund_contact(),
        share=share_links(share_url, campaign.title),
        share_url=share_url,
        raised=raised(campaign),
        card=card_enabled(),
    )


def _qr(payload: str, svg: bool) -> bytes:
    if svg:
        image = qrcode.make(payload, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    else:
        image = qrcode.make(payload, box_size=10, border=4)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue()


@bp.route("/ung-ho/p/<reference>/qr.<fmt>")
def qr_image(reference: str, fmt: str):
    """The VietQR code as PNG (to save from a phone) or SVG."""
    if fmt not in ("png", "svg"):
        abort(404)
    pledge = _pledge_or_404(reference)
    data = _qr(services.qr_payload(pledge), svg=fmt == "svg")
    mimetype = "image/svg+xml" if fmt == "svg" else "image/png"
    response = Response(data, mimetype=mimetype)
    response.headers["Cache-Control"] = "public, max-age=86400"
    if request.args.get("download"):
        response.headers["Content-Disposition"] = (
            f'attachment; filename="vietqr-{pledge.reference}.{fmt}"'
        )
    return response


@bp.route("/ung-ho/p/<reference>/trang-thai")
@limiter.exempt
def pledge_status(reference: str):
    """What the pledge page polls: status, money received, the campaign's total."""
    pledge = _pledge_or_404(reference)
    body = services.status_payload(pledge)
    campaign_raised = raised(pledge.campaign)
    body.update(
        received_text=format_vnd(pledge.received),
        campaign_raised=campaign_raised,
        campaign_raised_text=format_vnd(campaign_raised),
    )
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response
