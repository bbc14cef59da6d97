"""Reading the statement's filters from request arguments (the page, the API, the downloads).

`parse_filters` returns a `Filters` or raises `FilterError` naming the argument to fix; amounts
take digits or what a person types ("1.500.000", "1,5 triệu"), dates are YYYY-MM-DD.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l

from app.dbtypes import VN_TZ
from app.errors import DomainError
from app.ledger.service import ACCOUNT_RE, KINDS
from app.money import MoneyError, parse_amount

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_AMOUNT = 10**15
_SLUG = re.compile(r"^[A-Za-z0-9_.\-]{1,70}$")


class FilterError(DomainError):
    """A filter that cannot be read; the message names what to type instead."""

    status_code = 400


@dataclass(frozen=True)
class Filters:
    """What the reader asked for; empty values mean "any"."""

    q: str = ""
    campaign: str = ""
    account: str = ""
    kind: str = ""
    asset: str = ""
    min: int | None = None
    max: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    cursor: int | None = None
    limit: int = DEFAULT_LIMIT

    @property
    def active(self) -> bool:
        """Whether anything narrows the statement (the cursor and the limit do not)."""
        return any((self.q, self.campaign, self.account, self.kind, self.asset)) or any(
            v is not None for v in (self.min, self.max, self.date_from, self.date_to)
        )

    def args(self, **changes) -> dict[str, str]:
        """The filters as URL arguments (for links: next page, exports)."""
        values = replace(self, **changes) if changes else self
        out = {
            "q": values.q,
            "campaign": values.campaign,
            "account": values.account,
            "kind": values.kind,
            "asset": values.asset,
            "min": "" if values.min is None else str(values.min),
            "max": "" if values.max is None else str(values.max),
            "from": values.date_from.isoformat() if values.date_from else "",
            "to": values.date_to.isoformat() if values.date_to else "",
            "cursor": "" if values.cursor is None else str(values.cursor),
        }
        return {k: v for k, v in out.items() if v}


def vn_midnight(day: date) -> datetime:
    """00:00 Vietnam time of `day` (compared with the UTC column as the same instant)."""
    return datetime.combine(day, time(0), tzinfo=VN_TZ)


LABELS = {
    "min": _l("Số tiền từ"),
    "max": _l("Số tiền đến"),
    "from": _l("Từ ngày"),
    "to": _l("Đến ngày"),
}


def _amount(raw: str, name: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if raw.isdigit():
        value = int(raw)
        if 0 < value <= MAX_AMOUNT:
            return value
    else:
        try:
            return parse_amount(raw, maximum=MAX_AMOUNT)
        except MoneyError:
            pass
    raise FilterError(
        _l(
            "%(label)s (%(name)s): nhập một số nguyên dương, ví dụ 500000 hoặc 1.500.000.",
            label=LABELS[name],
            name=name,
        ),
        field=name,
    )


def _date(raw: str, name: str) -> date | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise FilterError(
            _l(
                "%(label)s (%(name)s): nhập ngày dạng NNNN-TT-NN, ví dụ 2026-03-31.",
                label=LABELS[name],
                name=name,
            ),
            field=name,
        ) from None


def parse_filters(args: Mapping[str, str], *, default_limit: int = DEFAULT_LIMIT) -> Filters:
    """Read the filters from request arguments; raises FilterError naming the bad field."""

    def get(name: str) -> str:
        return (args.get(name) or "").strip()

    q = " ".join(get("q").split())[:200]
    campaign = get("campaign")
    if campaign and not _SLUG.match(campaign):
        raise FilterError(_l("Chiến dịch không hợp lệ."), field="campaign")
    account = get("account")
    if account and not ACCOUNT_RE.match(account):
        raise FilterError(_l("Tài khoản sổ cái không hợp lệ."), field="account")
    kind = get("kind")
    if kind and kind not in KINDS:
        raise FilterError(_l("Loại bút toán không hợp lệ."), field="kind")
    asset = get("asset").upper()
    if asset and not _SLUG.match(asset):
        raise FilterError(_l("Tài sản không hợp lệ."), field="asset")
    low, high = _amount(get("min"), "min"), _amount(get("max"), "max")
    if low is not None and high is not None and low > high:
        raise FilterError(_l("Số tiền tối thiểu lớn hơn số tiền tối đa."), field="max")
    start, end = _date(get("from"), "from"), _date(get("to"), "to")
    if start and end and start > end:
        raise FilterError(_l("Ngày bắt đầu sau ngày kết thúc."), field="to")
    cursor = get("cursor")
    if cursor and (not cursor.isdigit() or len(cursor) > 12):
        raise FilterError(_l("Con trỏ trang không hợp lệ."), field="cursor")
    limit = get("limit")
    if limit and (not limit.isdigit() or not 1 <= int(limit) <= MAX_LIMIT):
        raise FilterError(
            _l("limit phải là số nguyên từ 1 đến %(high)s.", high=MAX_LIMIT), field="limit"
        )
    return Filters(
        q=q,
        campaign=campaign,
        account=account,
        kind=kind,
        asset=asset,
        min=low,
        max=high,
        date_from=start,
        date_to=end,
        cursor=int(cursor) if cursor else None,
        limit=int(limit) if limit else default_limit,
    )
