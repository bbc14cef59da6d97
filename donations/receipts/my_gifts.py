"""'My gifts': a signed, expiring link by e-mail that lists a donor's pledges, gifts, receipts."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, render_template
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from app import mail
from app.errors import DomainError
from app.extensions import db
from app.jobs.queue import job
from app.text import normalize_email as text_email
from donations.cards.models import CardGift
from donations.models import Donation
from donations.pledges.models import Pledge
from donations.receipts.models import Receipt
from donations.receipts.services import site_url

SALT = "my-gifts"
PER_PAGE = 10


class LinkExpired(DomainError):
    """The link was genuine but is too old."""

    status_code = 410


class LinkInvalid(DomainError):
    """The link was altered or never ours."""

    status_code = 404


def normalize_email(raw: str) -> str:
    """A lower-cased, syntactically valid address, or a DomainError for the form."""
    text = (raw or "").strip()
    if not text:
        raise DomainError(_l("Vui lòng nhập e-mail bạn đã dùng khi ủng hộ."), field="email")
    email = text_email(text)
    if email is None:
        raise DomainError(_l("Địa chỉ e-mail không hợp lệ."), field="email")
    return email


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def link_hours() -> int:
    """How long a link stays valid."""
    return int(current_app.config["MY_GIFTS_LINK_HOURS"])


def make_token(email: str) -> str:
    """A signed, timestamped token naming the e-mail address."""
    return _serializer().dumps(email)


def email_from_token(token: str) -> str:
    """The address a token names, if it is genuine and recent enough."""
    try:
        email = _serializer().loads(token, max_age=link_hours() * 3600)
    except SignatureExpired as err:
        raise LinkExpired(
            _l("Đường dẫn đã hết hạn. Vui lòng nhập lại e-mail để nhận đường dẫn mới.")
        ) from err
    except BadSignature as err:
        raise LinkInvalid(_l("Đường dẫn không hợp lệ.")) from err
    if not isinstance(email, str):
        raise LinkInvalid(_l("Đường dẫn không hợp lệ."))
    return email


def _has_pledges(email: str) -> bool:
    return (
        db.session.execute(
            select(Pledge.id).where(func.lower(Pledge.email) == email).limit(1)
        ).first()
        is not None
    )


def request_link(raw_email: str) -> None:
    """Queue the look-up and the link e-mail for after the answer (a job).

    The request does the same work whether or not the address has given (validate, queue a
    job), so neither the answer nor its time tells anybody who has donated.
    """
    email = normalize_email(raw_email)
    send_link.enqueue(email)


@job("receipts.send_my_gifts_link")
def send_link(email: str) -> bool:
    """Mail the link when the address has given; True if a mail was queued."""
    if not _has_pledges(email):
        return False
    url = site_url("receipts.my_gifts_list", token=make_token(email))
    context = {"url": url, "hours": link_hours(), "fund_name": current_app.config["FUND_NAME"]}
    mail.queue(
        mail.Message(
            to=email,
            subject=str(
                _l("Các khoản ủng hộ của bạn – %(fund)s", fund=current_app.config["FUND_NAME"])
            ),
            text=render_template("emails/my_gifts.txt", **context),
            html=render_template("emails/my_gifts.html", **context),
        )
    )
    return True


@dataclass
class PledgeView:
    """One pledge with the money it brought and the receipts issued."""

    pledge: Pledge
    donations: list[Donation] = field(default_factory=list)
    receipts: dict[int, Receipt] = field(default_factory=dict)  # by donation id
    refunded: dict[int, int] = field(default_factory=dict)  # by donation id


def gifts_for(email: str, page: int):
    """The donor's pledges, newest first, paginated; returns (pagination, [PledgeView])."""
    pagination = db.paginate(
        select(Pledge)
        .where(func.lower(Pledge.email) == email)
        .order_by(Pledge.created_at.desc(), Pledge.id.desc()),
        page=page,
        per_page=PER_PAGE,
        error_out=False,
    )
    views = {p.id: PledgeView(p) for p in pagination.items}
    if views:
        donations = db.session.execute(
            select(Donation)
            .where(Donation.pledge_id.in_(views))
            .order_by(Donation.received_at, Donation.id)
        ).scalars()
        by_id: dict[int, PledgeView] = {}
        for donation in donations:
            views[donation.pledge_id].donations.append(donation)
            by_id[donation.id] = views[donation.pledge_id]
        if by_id:
            for receipt in db.session.execute(
                select(Receipt).where(Receipt.donation_id.in_(by_id))
            ).scalars():
                by_id[receipt.donation_id].receipts[receipt.donation_id] = receipt
            for gift in db.session.execute(
                select(CardGift).where(CardGift.donation_id.in_(by_id), CardGift.refunded > 0)
            ).scalars():
                by_id[gift.donation_id].refunded[gift.donation_id] = gift.refunded
    return pagination, list(views.values())


def totals_for(email: str) -> tuple[int, int]:
    """Number of donations and the total đồng received from this donor."""
    count, total = db.session.execute(
        select(func.count(Donation.id), func.coalesce(func.sum(Donation.amount), 0))
        .join(Pledge, Donation.pledge_id == Pledge.id)
        .where(func.lower(Pledge.email) == email, Donation.asset == "VND")
    ).one()
    return int(count), int(total)
