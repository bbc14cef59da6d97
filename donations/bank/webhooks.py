"""Bank-notification webhooks (VIETQR.md §3): SePay and Casso v2.

Order of work: authenticate over the raw body, parse and check every field, store the
transaction once and settle it, commit, and only then answer 2xx. Anything that goes wrong
inside answers 5xx so the provider retries; a caller's mistake answers 4xx.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from datetime import datetime

from flask import Blueprint, current_app, jsonify, request
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app import uow
from app.dbtypes import VN_TZ
from app.extensions import csrf, limiter
from app.money import AMOUNT_CEILING
from app.web.errors import render_error
from donations.bank.matching import Incoming, Matcher

log = logging.getLogger(__name__)
bp = Blueprint("bank_webhooks", __name__, url_prefix="/webhooks/bank")
csrf.exempt(bp)
limiter.exempt(bp)

CASSO_MAX_AGE_SECONDS = 300


class BadPayload(ValueError):
    """The body is not what the provider documents; the caller must fix it (4xx)."""


def _int(value, name: str, *, allow_negative: bool = False) -> int:
    # Amounts as strings or floats are refused: guessing "1.000" would be guessing money.
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadPayload(f"«{name}» phải là số nguyên (đồng), không phải {type(value).__name__}.")
    if value < 0 and not allow_negative:
        raise BadPayload(f"«{name}» không được âm.")
    return value


def note_oversized(name: str, value: int):
    """Why a report whose amount cannot be real is kept for review, not counted."""
    return _l(
        "Số tiền «%(field)s» lớn bất thường (%(digits)s chữ số): lưu để kiểm tra, không ghi nhận.",
        field=name,
        digits=len(str(abs(value))),
    )


def note_long_id(name: str, length: int):
    """Why a report with an id too long to be real is kept for review, not counted."""
    return _l(
        "Mã giao dịch «%(field)s» dài bất thường (%(n)s ký tự): lưu để kiểm tra, không ghi nhận.",
        field=name,
        n=length,
    )


def _amount(value, name: str, *, allow_negative: bool = False) -> tuple[int, object | None]:
    """An amount in đồng and, when it is too large to be a real transfer, why it is not
    counted (the report is then stored for review with amount 0, never retried)."""
    amount = _int(value, name, allow_negative=allow_negative)
    if abs(amount) > AMOUNT_CEILING:
        return 0, note_oversized(name, amount)
    return amount, None


def _text(value, name: str, *, required: bool = False, limit: int = 2000) -> str:
    if value is None:
        if required:
            raise BadPayload(f"Thiếu trường «{name}».")
        return ""
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise BadPayload(f"«{name}» phải là chuỗi.")
    text = str(value).strip()
    if required and not text:
        raise BadPayload(f"Thiếu trường «{name}».")
    if len(text) > limit:
        raise BadPayload(f"«{name}» dài quá {limit} ký tự.")
    return text


def _local_time(value, name: str) -> datetime:
    text = _text(value, name, required=True, limit=40)
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"):
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=VN_TZ)
        except ValueError:
            continue
    raise BadPayload(f"«{name}» phải có dạng YYYY-MM-DD HH:MM:SS, nhận được «{text}».")


def _json_body(raw: bytes) -> dict:
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BadPayload("Nội dung không phải JSON hợp lệ.") from None
    if not isinstance(body, dict):
        raise BadPayload("Nội dung JSON phải là một đối tượng.")
    return body


def _id(value, name: str = "id") -> tuple[str, object | None]:
    """The provider's id and, when it is too long to be real, why the report is not counted
    (a digest stands for it, so a retry still finds the stored row)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise BadPayload(f"«{name}» phải là số hoặc chuỗi.")
    text = str(value).strip()
    if not text:
        raise BadPayload(f"«{name}» không hợp lệ.")
    if len(text) > 100:
        digest = hashlib.sha256(text.encode()).hexdigest()
        return f"sha256:{digest}", note_long_id(name, len(text))
    return text, None


def sepay_item(body: dict) -> Incoming:
    """SePay's body as an Incoming transaction."""
    direction = _text(body.get("transferType"), "transferType", required=True)
    if direction not in ("in", "out"):
        raise BadPayload("«transferType» phải là «in» hoặc «out».")
    memo = _text(body.get("content"), "content") or _text(body.get("description"), "description")
    provider_id, id_problem = _id(body.get("id"))
    amount, amount_problem = _amount(body.get("transferAmount"), "transferAmount")
    return Incoming(
        provider="sepay",
        provider_id=provider_id,
        amount=amount,
        problem=id_problem or amount_problem,
        occurred_at=_local_time(body.get("transactionDate"), "transactionDate"),
        memo=memo,
        account_number=_text(body.get("accountNumber"), "accountNumber", limit=40),
        direction=direction,
        bank_reference=_text(body.get("referenceCode"), "referenceCode", limit=120),
        raw=body,
        code_hint=_text(body.get("code"), "code", limit=40) or None,
    )


def casso_items(body: dict) -> list[Incoming]:
    """Casso's v2 body (one object in `data`; a list is accepted too) as transactions."""
    if body.get("error", 0) not in (0, None):
        raise BadPayload("Casso báo lỗi trong thông báo («error» khác 0).")
    data = body.get("data")
    records = data if isinstance(data, list) else [data]
    if not records or not all(isinstance(r, dict) for r in records):
        raise BadPayload("«data» phải là một giao dịch (đối tượng JSON).")
    items = []
    for record in records:
        amount, amount_problem = _amount(record.get("amount"), "amount", allow_negative=True)
        provider_id, id_problem = _id(record.get("id"))
        items.append(
            Incoming(
                provider="casso",
                provider_id=provider_id,
                amount=abs(amount),
                problem=id_problem or amount_problem,
                occurred_at=_local_time(record.get("transactionDateTime"), "transactionDateTime"),
                memo=_text(record.get("description"), "description"),
                account_number=_text(record.get("accountNumber"), "accountNumber", limit=40),
                direction="in" if amount >= 0 else "out",
                bank_reference=_text(record.get("reference"), "reference", limit=120),
                raw=record,
            )
        )
    return items


def casso_signature(secret: str, timestamp: str, body: dict, *, ascii_only: bool = True) -> str:
    """HMAC-SHA512 over `t + "." + body with keys sorted`, as Casso signs v2 webhooks."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=ascii_only)
    message = f"{timestamp}.{canonical}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha512).hexdigest()


def verify_casso(
    header: str,
    body: dict,
    secret: str,
    *,
    now_ms: int | None = None,
    max_age: int | None = CASSO_MAX_AGE_SECONDS,
) -> str | None:
    """None when the signature is good and fresh, else the reason it is refused."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    timestamp, given = parts.get("t", "").strip(), parts.get("v1", "").strip().lower()
    if not timestamp.isdigit() or not given:
        return "Thiếu hoặc sai tiêu đề X-Casso-Signature (t=…,v1=…)."
    # Casso does not say whether non-ASCII text is escaped before signing: accept either form.
    good = any(
        hmac.compare_digest(given, casso_signature(secret, timestamp, body, ascii_only=flag))
        for flag in (True, False)
    )
    if not good:
        return "Chữ ký không đúng."
    if max_age is not None:
        now_ms = int(time.time() * 1000) if now_ms is None else now_ms
        if abs(now_ms - int(timestamp)) > max_age * 1000:
            return "Thông báo quá cũ hoặc bị gửi lại (dấu thời gian lệch quá 5 phút)."
    return None


def casso_header_problem(header: str, max_age: int | None, now_ms: int | None = None):
    """The reason a Casso signature header is refused before the body is read, or None."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    timestamp, given = parts.get("t", "").strip(), parts.get("v1", "").strip().lower()
    if not timestamp.isdigit() or len(timestamp) > 16 or len(given) != 128:
        return "Thiếu hoặc sai tiêu đề X-Casso-Signature (t=…,v1=…)."
    if max_age is not None:
        now_ms = int(time.time() * 1000) if now_ms is None else now_ms
        if abs(now_ms - int(timestamp)) > max_age * 1000:
            return "Thông báo quá cũ hoặc bị gửi lại (dấu thời gian lệch quá 5 phút)."
    return None


def _store(items: list[Incoming]):
    """Store and settle, commit, and say whether the work is safely done."""
    try:
        with uow.transaction():
            matcher = Matcher()
            for item in items:
                matcher.receive(item)
    except IntegrityError:
        # A concurrent copy of the same notification won the race: fine if it is stored.
        matcher = Matcher()
        if all(matcher.existing(i.provider, i.provider_id) for i in items):
            return jsonify(success=True, duplicate=True)
        log.exception("bank webhook: integrity error without a stored copy")
        return render_error(503, "Tạm thời không lưu được giao dịch, vui lòng gửi lại.", "retry")
    except Exception:
        log.exception("bank webhook: failed to store %s", [i.provider_id for i in items])
        return render_error(500, "Lỗi khi lưu giao dịch; vui lòng gửi lại.", "server_error")
    return jsonify(success=True)


@bp.post("/sepay")
def sepay():
    """SePay: `Authorization: Apikey <SEPAY_API_KEY>`; answers {"success": true}."""
    key = current_app.config.get("SEPAY_API_KEY", "")
    if not key:
        return render_error(503, "Chưa cấu hình SEPAY_API_KEY.", "not_configured")
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Apikey {key}".encode()):
        return render_error(401, "Khoá API không đúng.", "unauthorized")
    try:
        item = sepay_item(_json_body(request.get_data()))
    except BadPayload as err:
        log.warning("sepay webhook refused: %s", err)
        return render_error(400, str(err), "bad_payload")
    return _store([item])


@bp.post("/casso")
def casso():
    """Casso webhook v2, signed with CASSO_WEBHOOK_SECRET in X-Casso-Signature."""
    secret = current_app.config.get("CASSO_WEBHOOK_SECRET", "")
    if not secret:
        return render_error(503, "Chưa cấu hình CASSO_WEBHOOK_SECRET.", "not_configured")
    max_age = current_app.config.get("CASSO_MAX_AGE_SECONDS", CASSO_MAX_AGE_SECONDS)
    # What can be checked without reading the body is checked first: a request without a
    # well-formed, fresh signature header is refused before its body is parsed. (Casso signs
    # the JSON with sorted keys, so the HMAC itself needs the parsed body.)
    problem = casso_header_problem(request.headers.get("X-Casso-Signature", ""), max_age)
    if problem:
        log.warning("casso webhook refused: %s", problem)
        return render_error(401, problem, "bad_signature")
    try:
        body = _json_body(request.get_data())
    except BadPayload as err:
        return render_error(400, str(err), "bad_payload")
    problem = verify_casso(
        request.headers.get("X-Casso-Signature", ""), body, secret, max_age=max_age
    )
    if problem:
        log.warning("casso webhook refused: %s", problem)
        return render_error(401, problem, "bad_signature")
    try:
        items = casso_items(body)
    except BadPayload as err:
        log.warning("casso webhook refused: %s", err)
        return render_error(400, str(err), "bad_payload")
    return _store(items)
