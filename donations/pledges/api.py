"""Public API v1 for pledges (DESIGN.md §8): create one, read its status."""

from __future__ import annotations

import json

from flask import Blueprint, jsonify, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import uow
from app.errors import DomainError
from app.extensions import client_ip, csrf, db, limiter
from app.text import clean_text
from campaigns.models import Campaign
from donations.pledges import services
from donations.pledges.views import pledge_limit

bp = Blueprint("pledges_api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

FIELDS = {"campaign", "amount", "donor_name", "anonymous", "email", "message"}


def _error(status: int, code: str, message, field: str | None = None):
    body = {"error": {"code": code, "message": str(message)}}
    if field:
        body["error"]["field"] = field
    return jsonify(body), status


def _bool(body: dict, name: str) -> bool:
    value = body.get(name, False)
    if not isinstance(value, bool):
        raise DomainError(_l("«%(name)s» phải là true hoặc false.", name=name), field=name)
    return value


def _str(body: dict, name: str, limit: int) -> str:
    value = body.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise DomainError(_l("«%(name)s» phải là chuỗi.", name=name), field=name)
    if len(value) > limit:
        raise DomainError(
            _l("«%(name)s» dài quá %(limit)s ký tự.", name=name, limit=limit), field=name
        )
    return clean_text(value)  # no NUL, bidi override or zero-width character is stored


@bp.post("/pledges")
@limiter.limit(pledge_limit, key_func=client_ip)
@uow.transactional
def create_pledge():
    """`{campaign, amount, donor_name, anonymous, email, message}` → 201 with the VietQR."""
    try:
        body = json.loads(request.get_data().decode("utf-8") or "null")
    except (UnicodeDecodeError, ValueError):
        return _error(400, "invalid_json", _l("Nội dung không phải JSON hợp lệ."))
    if not isinstance(body, dict):
        return _error(400, "invalid_json", _l("Nội dung JSON phải là một đối tượng."))
    unknown = sorted(set(body) - FIELDS)
    if unknown:
        message = _l("Trường không được hỗ trợ: %(fields)s.", fields=", ".join(unknown))
        return _error(422, "unknown_field", message)
    slug = body.get("campaign")
    if not isinstance(slug, str) or not slug.strip():
        return _error(422, "invalid", _l("Thiếu «campaign» (mã chiến dịch)."), "campaign")
    campaign = db.session.execute(
        select(Campaign).where(Campaign.slug == slug.strip())
    ).scalar_one_or_none()
    if campaign is None or campaign.status.value == "draft":
        message = _l("Không có chiến dịch «%(slug)s».", slug=slug)
        return _error(404, "campaign_not_found", message, "campaign")
    if not campaign.accepts_gifts:
        message = _l("Chiến dịch này không còn nhận ủng hộ.")
        return _error(409, "campaign_closed", message, "campaign")
    amount = body.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int):
        message = _l("«amount» phải là số nguyên đồng (ví dụ 200000).")
        return _error(422, "invalid", message, "amount")
    try:
        pledge = services.create_pledge(
            services.PledgeRequest(
                campaign=campaign,
                amount=amount,
                donor_name=_str(body, "donor_name", 120),
                anonymous=_bool(body, "anonymous"),
                show_on_wall=False,
                email=_str(body, "email", 254),
                message=_str(body, "message", 500),
            )
        )
    except DomainError as err:
        return _error(422, "invalid", str(err.message), err.field)  # rolled back: an error
    account = services.fund_account()
    response = jsonify(
        reference=pledge.reference,
        amount=pledge.amount,
        vietqr_payload=services.qr_payload(pledge),
        qr_png_url=url_for(
            "pledges.qr_image", reference=pledge.reference, fmt="png", _external=True
        ),
        bank={
            "bin": account.bin,
            "account_number": account.account_number,
            "account_name": account.account_name,
        },
        memo=services.memo_for(pledge),
        status_url=url_for("pledges_api.pledge", reference=pledge.reference, _external=True),
        page_url=url_for("pledges.pledge", reference=pledge.reference, _external=True),
    )
    response.status_code = 201
    response.headers["Location"] = url_for("pledges_api.pledge", reference=pledge.reference)
    return response


@bp.get("/pledges/<reference>")
def pledge(reference: str):
    """`{reference, campaign, amount, received, status}`."""
    try:
        found = services.find_pledge(reference)
    except DomainError as err:
        return _error(404, "not_found", str(err.message))
    response = jsonify(services.status_payload(found))
    response.headers["Cache-Control"] = "no-store"
    return response
