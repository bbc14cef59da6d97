"""Pledges: creating them, finding them, their VietQR payload and their public status."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _
from sqlalchemy import select, update

from app.dbtypes import utcnow
from app.errors import DomainError, NotFound
from app.extensions import db
from app.money import MoneyError, parse_amount
from app.text import EMAIL_MAX, normalize_email
from campaigns.models import Campaign
from donations.bank.banks import bank_by_bin
from donations.bank.vietqr import build_payload, sanitize_memo
from donations.pledges import refcode
from donations.pledges.models import PLEDGE_TRANSITIONS, PaymentMethod, Pledge, PledgeStatus

# A one-time transfer pledge stays open this long; money arriving later is still recorded.
TAX_CODE_RE = re.compile(r"^(\d{10})(?:-?(\d{3}))?$")
PHONE_RE = re.compile(r"^\+?[0-9]{9,15}$")
PRESET_AMOUNTS = (100_000, 200_000, 500_000, 1_000_000, 2_000_000, 5_000_000)


@dataclass(frozen=True)
class BankAccount:
    """The fund's account that receives transfers (from configuration)."""

    bin: str
    bank_name: str
    account_number: str
    account_name: str


def fund_account() -> BankAccount:
    """The configured receiving account."""
    cfg = current_app.config
    bank = bank_by_bin(cfg["BANK_BIN"])
    return BankAccount(
        bin=cfg["BANK_BIN"],
        bank_name=bank.short_name if bank else cfg["BANK_BIN"],
        account_number=cfg["BANK_ACCOUNT_NUMBER"],
        account_name=cfg["BANK_ACCOUNT_NAME"],
    )


def normalize_tax_code(text: str) -> str:
    """'0101234567' or '0101234567-001' (a branch); DomainError when it is neither."""
    compact = re.sub(r"[\s.]", "", text or "")
    match = TAX_CODE_RE.match(compact)
    if not match:
        raise DomainError(
            _("Mã số thuế gồm 10 chữ số, hoặc 10 chữ số, dấu gạch và 3 chữ số (chi nhánh)."),
            field="tax_code",
        )
    return match[1] + (f"-{match[2]}" if match[2] else "")


def normalize_phone(text: str) -> str:
    """Digits only (a leading + kept); DomainError when it cannot be a phone number."""
    compact = re.sub(r"[\s.\-()]", "", text or "")
    if compact and not PHONE_RE.match(compact):
        raise DomainError(_("Số điện thoại không hợp lệ."), field="phone")
    return compact


def check_amount(amount: int | str, *, field: str = "amount") -> int:
    """An amount of đồng within the fund's minimum and maximum."""
    cfg = current_app.config
    try:
        return parse_amount(amount, minimum=cfg["MIN_DONATION"], maximum=cfg["MAX_AMOUNT"])
    except MoneyError as err:
        raise DomainError(str(err), field=field) from None


def _new_reference() -> str:
    for _attempt in range(20):
        code = refcode.new_code()
        taken = db.session.execute(select(Pledge.id).where(Pledge.reference == code)).first()
        if taken is None:
            return code
    raise RuntimeError("could not find a free reference code")  # 34 bits: never in practice


@dataclass(frozen=True)
class PledgeRequest:
    """What a donor asks for (form, API, sponsorship), before the service checks it."""

    campaign: Campaign | None
    amount: int | str
    method: str | PaymentMethod = PaymentMethod.bank
    monthly: bool = False
    donor_name: str = ""
    anonymous: bool = False
    show_on_wall: bool = False
    email: str = ""
    phone: str = ""
    message: str = ""
    is_business: bool = False
    company_name: str = ""
    tax_code: str = ""
    company_address: str = ""
    ref_code: str | None = None


def _squash(text: str | None) -> str:
    return " ".join((text or "").split())


def _checked_email(raw: str) -> str:
    email = (raw or "").strip()
    if not email:
        return ""
    if len(email) > EMAIL_MAX:
        raise DomainError(_("Địa chỉ e-mail quá dài."), field="email")
    normalized = normalize_email(email)
    if normalized is None:
        raise DomainError(_("Địa chỉ e-mail không hợp lệ."), field="email")
    return normalized


def _business_details(request: PledgeRequest, email: str) -> tuple[str, str, str]:
    """Company name, tax code and address, checked; empty for a person's gift."""
    if not request.is_business:
        return "", "", ""
    company_name = _squash(request.company_name)
    if not company_name:
        raise DomainError(_("Vui lòng nhập tên doanh nghiệp."), field="company_name")
    if len(company_name) > 200:
        raise DomainError(_("Tên doanh nghiệp tối đa 200 ký tự."), field="company_name")
    tax_code = normalize_tax_code(request.tax_code)
    company_address = _squash(request.company_address)
    if not company_address:
        raise DomainError(_("Vui lòng nhập địa chỉ doanh nghiệp."), field="company_address")
    if len(company_address) > 300:
        raise DomainError(_("Địa chỉ tối đa 300 ký tự."), field="company_address")
    if not email:
        raise DomainError(
            _("Doanh nghiệp cần e-mail để nhận biên nhận có mã số thuế."), field="email"
        )
    return company_name, tax_code, company_address


def problems(request: PledgeRequest) -> dict[str, str]:
    """Every problem of a donor's request at once, field → message (empty when it is fine).

    create_pledge stops at the first; the form shows them all together.
    """
    found: dict[str, str] = {}

    def check(fn, *args) -> None:
        try:
            fn(*args)
        except DomainError as err:
            found.setdefault(err.field or "amount", str(err.message))

    def amount() -> None:
        if isinstance(request.amount, bool) or not isinstance(request.amount, int | str):
            raise DomainError(_("Số tiền phải là số nguyên đồng."), field="amount")
        check_amount(request.amount)

    def name() -> None:
        if not request.anonymous and not _squash(request.donor_name) and not request.is_business:
            raise DomainError(
                _("Vui lòng nhập tên hiển thị, hoặc chọn ủng hộ ẩn danh."), field="donor_name"
            )

    def message() -> None:
        if len((request.message or "").strip()) > 500:
            raise DomainError(_("Lời nhắn tối đa 500 ký tự."), field="message")

    check(amount)
    check(name)
    check(message)
    check(_checked_email, request.email)
    check(normalize_phone, request.phone)
    if request.is_business:
        for field in ("company_name", "tax_code", "company_address", "email"):
            # Each business field on its own, the others filled with a valid stand-in.
            stand_in: dict[str, Any] = {
                "company_name": "x",
                "tax_code": "0101234567",
                "company_address": "x",
                "email": "a@example.org",
            }
            stand_in[field] = getattr(request, field)
            if field == "email" and "email" in found:
                continue
            probe = PledgeRequest(campaign=None, amount=0, is_business=True, **stand_in)
            check(_business_details, probe, _checked_email_or_blank(probe.email))
    return found


def _checked_email_or_blank(raw: str) -> str:
    try:
        return _checked_email(raw)
    except DomainError:
        return ""


def create_pledge(request: PledgeRequest) -> Pledge:
    """Validate a donor's intent and store it with a fresh reference code; flushes."""
    campaign = request.campaign
    if campaign is None or not campaign.accepts_gifts:
        raise DomainError(_("Chiến dịch này không còn nhận ủng hộ."), field="campaign")
    if isinstance(request.amount, bool) or not isinstance(request.amount, int | str):
        raise DomainError(_("Số tiền phải là số nguyên đồng."), field="amount")
    amount = check_amount(request.amount)
    try:
        method = PaymentMethod(request.method)
    except ValueError:
        raise DomainError(_("Cách thanh toán không hợp lệ."), field="method") from None
    donor_name = _squash(request.donor_name)[:120]
    email = _checked_email(request.email)
    message = (request.message or "").strip()
    if len(message) > 500:
        raise DomainError(_("Lời nhắn tối đa 500 ký tự."), field="message")
    company_name, tax_code, company_address = _business_details(request, email)
    if not request.anonymous and not donor_name and not request.is_business:
        raise DomainError(
            _("Vui lòng nhập tên hiển thị, hoặc chọn ủng hộ ẩn danh."), field="donor_name"
        )
    now = utcnow()
    pledge = Pledge(
        reference=_new_reference(),
        campaign=campaign,
        campaign_id=campaign.id,
        amount=amount,
        method=method,
        monthly=bool(request.monthly),
        status=PledgeStatus.pending,
        received=0,
        donor_name=donor_name,
        anonymous=bool(request.anonymous),
        show_on_wall=bool(request.show_on_wall) and not request.anonymous,
        email=email,
        phone=normalize_phone(request.phone),
        message=message,
        is_business=bool(request.is_business),
        company_name=company_name,
        tax_code=tax_code,
        company_address=company_address,
        ref_code=(request.ref_code or None) and request.ref_code[:40],
        created_at=now,
        # A standing order keeps using the code: a monthly pledge never expires.
        expires_at=None
        if request.monthly
        else now + timedelta(days=current_app.config["PLEDGE_VALID_DAYS"]),
    )
    db.session.add(pledge)
    db.session.flush()
    return pledge


def find_pledge(reference: str) -> Pledge:
    """The pledge with this reference (typed codes are normalised); NotFound otherwise."""
    code = refcode.normalize_candidate(reference or "")
    pledge = None
    if refcode.is_valid(code):
        pledge = db.session.execute(
            select(Pledge).where(Pledge.reference == code)
        ).scalar_one_or_none()
    if pledge is None:
        raise NotFound(_("Không tìm thấy cam kết ủng hộ với mã này."))
    return pledge


def effective_status(pledge: Pledge) -> PledgeStatus:
    """The status now: a pending one-time pledge past its expiry reads as expired."""
    if (
        pledge.status == PledgeStatus.pending
        and pledge.expires_at is not None
        and pledge.expires_at <= utcnow()
    ):
        return PledgeStatus.expired
    return pledge.status


def expire_pledges() -> int:
    """Mark pending pledges past their expiry as expired; returns how many. Flushes."""
    # One UPDATE of the rows still pending, so a payment committed meanwhile is never undone;
    # the move itself is the table's pending → expired.
    PLEDGE_TRANSITIONS.check(PledgeStatus.pending, PledgeStatus.expired)
    result = db.session.execute(
        update(Pledge)
        .where(
            Pledge.status == PledgeStatus.pending,
            Pledge.expires_at.is_not(None),
            Pledge.expires_at <= utcnow(),
        )
        .values(status=PledgeStatus.expired)
    )
    return int(getattr(result, "rowcount", 0) or 0)  # an UPDATE's CursorResult


def memo_for(pledge: Pledge) -> str:
    """The transfer memo: the reference code first, then a hint, at most 19 characters."""
    return sanitize_memo(f"{pledge.reference} UNG HO")


def amount_due(pledge: Pledge) -> int:
    """What the QR asks for: the whole pledge, or what is still missing once part arrived."""
    if pledge.status == PledgeStatus.partial and not pledge.monthly:
        return max(pledge.amount - pledge.received, 0) or pledge.amount
    return pledge.amount


def qr_payload(pledge: Pledge) -> str:
    """The VietQR payload for this pledge (VIETQR.md §1): the amount still due."""
    account = fund_account()
    return build_payload(
        account.bin,
        account.account_number,
        amount=amount_due(pledge),
        memo=memo_for(pledge),
    )


def status_payload(pledge: Pledge) -> dict:
    """What the pledge page polls and the API returns (DESIGN.md §8)."""
    return {
        "reference": pledge.reference,
        "campaign": pledge.campaign.slug,
        "amount": pledge.amount,
        "received": pledge.received,
        "status": effective_status(pledge).value,
    }
