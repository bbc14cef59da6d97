"""Sponsorship of one named student ("nhận đỡ đầu") and the term updates sponsors receive."""

from __future__ import annotations

import re
import secrets
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from app import stored_text
from app.audit.service import record
from app.auth.guards import require_role, require_unit, unit_scope_clause
from app.auth.models import User
from app.errors import Conflict, DomainError, NotFound
from app.extensions import db
from app.mail import Message, queue
from app.money import format_vnd
from app.text import normalize_email
from campaigns.models import Campaign
from donations.pledges.services import PledgeRequest, create_pledge
from students.care.models import ConsentScope
from students.care.services import check_term
from students.photos.services import sponsor_may_see_photo
from students.privacy import current_scope, public_label, public_view
from students.registry.codes import clean_name, name_key
from students.registry.models import Student
from students.registry.services import WRITERS
from students.sponsorship.models import Sponsorship, TermUpdate

MANAGERS = ("admin", "manager", "treasurer")
READERS = ("admin", "manager", "treasurer", "auditor")


def list_sponsorships(actor: User) -> Select:
    """Sponsorships of students in scope, active first."""
    require_role(actor, READERS)
    return (
        select(Sponsorship)
        .join(Student)
        .where(unit_scope_clause(actor, Student.unit_id))
        .order_by(Sponsorship.active.desc(), Sponsorship.id.desc())
    )


def create_sponsorship(
    actor: User,
    student: Student,
    *,
    campaign: Campaign | None,
    donor_name: str,
    donor_email: str,
    monthly_amount: int,
    method: str,
) -> Sponsorship:
    """Link a donor to a student with a monthly amount; the donor is contacted only by the fund."""
    require_role(actor, MANAGERS)
    require_unit(actor, student.unit_id)
    if not donor_name.strip():
        raise DomainError(_l("Vui lòng nhập tên nhà hảo tâm."), field="donor_name")
    email = normalize_email(donor_email)
    if email is None:
        raise DomainError(_l("E-mail của nhà hảo tâm không hợp lệ."), field="donor_email")
    minimum = current_app.config["SPONSORSHIP_MIN_MONTHLY"]
    if (
        isinstance(monthly_amount, bool)
        or not isinstance(monthly_amount, int)
        or monthly_amount < minimum
    ):
        raise DomainError(
            _l("Mức đỡ đầu hằng tháng tối thiểu %(amount)s.", amount=format_vnd(minimum)),
            field="monthly_amount",
        )
    if method not in ("bank", "card"):
        raise DomainError(_l("Hình thức đóng góp không hợp lệ."), field="method")
    clash = db.session.execute(
        select(Sponsorship.id).where(
            Sponsorship.student_id == student.id,
            Sponsorship.donor_email == email,
            Sponsorship.active.is_(True),
        )
    ).first()
    if clash is not None:
        raise Conflict(_l("Nhà hảo tâm này đang đỡ đầu học sinh này rồi."), field="donor_email")
    if campaign is None:
        raise NotFound(_l("Chiến dịch nhận tiền đỡ đầu không tồn tại."), field="campaign_id")
    # The monthly pledge carries the standing bank code (or the card subscription) that pays.
    pledge = create_pledge(
        PledgeRequest(
            campaign=campaign,
            amount=monthly_amount,
            method=method,
            monthly=True,
            donor_name=clean_name(donor_name)[:120],
            anonymous=True,
            email=email,
            message=f"Đỡ đầu học sinh {student.public_id}",
        )
    )
    sponsorship = Sponsorship(
        pledge_id=pledge.id,
        student_id=student.id,
        donor_name=clean_name(donor_name)[:120],
        donor_email=email,
        monthly_amount=monthly_amount,
        method=method,
        token=secrets.token_urlsafe(24),
        started_on=date.today(),
        created_by_id=actor.id,
    )
    db.session.add(sponsorship)
    db.session.flush()
    record(
        actor,
        "sponsorship.create",
        sponsorship,
        _l(
            "Đỡ đầu %(id)s: %(amount)s/tháng",
            id=student.public_id,
            amount=stored_text.vnd(monthly_amount),
        ),
    )
    _welcome(sponsorship, student, pledge.reference)
    return sponsorship


def _welcome(sponsorship: Sponsorship, student: Student, reference: str) -> None:
    """Tell the sponsor how to give each month and where the term updates will appear."""
    site = current_app.config["SITE_URL"].rstrip("/")
    how = "chuyển khoản bằng mã cố định" if sponsorship.method == "bank" else "thẻ, trả hằng tháng"
    queue(
        Message(
            to=sponsorship.donor_email,
            subject=f"Cảm ơn bạn đã nhận đỡ đầu em {public_label(student)}",
            text=(
                f"Kính gửi {sponsorship.donor_name},\n\n"
                f"Cảm ơn bạn đã nhận đỡ đầu em {public_label(student)} với "
                f"{format_vnd(sponsorship.monthly_amount, 'vi')} mỗi tháng ({how}).\n\n"
                f"Cách đóng góp hằng tháng, mã ghi nhận {reference}: {site}/ung-ho/p/{reference}\n"
                f"Trang riêng của bạn, nơi đơn vị viết cập nhật mỗi học kỳ: "
                f"{site}/do-dau/{sponsorship.token}\n\n"
                "Mọi liên lạc với gia đình em xin qua Quỹ.\n"
            ),
        )
    )


def end_sponsorship(actor: User, sponsorship: Sponsorship, on: date) -> Sponsorship:
    """Stop a sponsorship (the donor asked, or the student left school)."""
    require_role(actor, MANAGERS)
    require_unit(actor, sponsorship.student.unit_id)
    if not sponsorship.active:
        raise Conflict(_l("Việc đỡ đầu này đã kết thúc."))
    if on < sponsorship.started_on or on > date.today():
        raise DomainError(_l("Ngày kết thúc phải từ ngày bắt đầu đến hôm nay."), field="on")
    sponsorship.active = False
    sponsorship.ended_on = on
    db.session.flush()
    record(actor, "sponsorship.end", sponsorship, _l("Kết thúc đỡ đầu #%(id)s", id=sponsorship.id))
    return sponsorship


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", clean_name(text).lower())


def check_update_text(student: Student, body: str) -> None:
    """Refuse text that names the child beyond what consent allows, or gives family contacts."""
    if not body.strip():
        raise DomainError(_l("Vui lòng viết nội dung cập nhật."), field="body")
    if name_key(student.full_name) in name_key(body):
        raise DomainError(
            _l("Không ghi họ tên đầy đủ của học sinh trong thư gửi nhà hảo tâm."), field="body"
        )
    if student.guardian_name and name_key(student.guardian_name) in name_key(body):
        raise DomainError(
            _l("Không ghi tên người giám hộ trong thư gửi nhà hảo tâm."), field="body"
        )
    digits = re.sub(r"\D", "", body)
    if student.guardian_phone and re.sub(r"\D", "", student.guardian_phone)[-9:] in digits:
        raise DomainError(
            _l("Không ghi số điện thoại của gia đình: mọi liên lạc qua Quỹ."), field="body"
        )
    if re.search(r"(0|\+84)[\d .]{8,12}\d", body):
        raise DomainError(
            _l("Không ghi số điện thoại trong thư: mọi liên lạc qua Quỹ."), field="body"
        )
    given = _words(student.full_name)[-1:] if student.full_name else []
    if current_scope(student) != ConsentScope.named and given and given[0] in _words(body):
        raise DomainError(
            _l("Gia đình chưa đồng ý công khai tên gọi của em: hãy viết “em” thay cho tên."),
            field="body",
        )


def write_update(actor: User, student: Student, *, term: str, body: str) -> TermUpdate:
    """A term update; each active sponsor gets it by e-mail after the commit."""
    require_role(actor, WRITERS)
    require_unit(actor, student.unit_id)
    term = check_term(term)
    check_update_text(student, body)
    update = TermUpdate(student_id=student.id, term=term, body=body.strip(), written_by_id=actor.id)
    db.session.add(update)
    db.session.flush()
    label = public_label(student)
    for sp in active_sponsors(student):
        # Built by hand: services also run outside a request (CLI).
        link = f"{current_app.config['SITE_URL'].rstrip('/')}/do-dau/{sp.token}"
        queue(
            Message(
                to=sp.donor_email,
                subject=f"Cập nhật {term} về em bạn đỡ đầu ({label})",
                text=f"Kính gửi {sp.donor_name},\n\n{body.strip()}\n\nXem mọi cập nhật: {link}\n\n"
                f"Mọi liên lạc với gia đình em xin qua Quỹ: {current_app.config['FUND_EMAIL']}.",
            )
        )
    record(
        actor,
        "student.term_update",
        student,
        _l("Cập nhật %(term)s cho nhà đỡ đầu", term=term),
        target_id=student.public_id,
    )
    return update


def active_sponsors(student: Student) -> list[Sponsorship]:
    """Sponsors currently following the student."""
    return list(
        db.session.execute(
            select(Sponsorship).where(
                Sponsorship.student_id == student.id, Sponsorship.active.is_(True)
            )
        ).scalars()
    )


def sponsor_page(token: str) -> dict:
    """What a sponsor's private link shows: consented facts and the term updates."""
    sp = db.session.execute(
        select(Sponsorship).where(Sponsorship.token == token)
    ).scalar_one_or_none()
    if sp is None:
        raise NotFound(_l("Liên kết không tồn tại."))
    updates = list(
        db.session.execute(
            select(TermUpdate)
            .where(TermUpdate.student_id == sp.student_id)
            .order_by(TermUpdate.id.desc())
        ).scalars()
    )
    # Consent may have narrowed since an update was written: show only what passes today.
    updates = [u for u in updates if _passes(sp.student, u.body)]
    return {
        "sponsorship": sp,
        "student": public_view(sp.student),
        "public_id": sp.student.public_id,
        "updates": updates,
        # Checked again by the photo's own route on every request.
        "photo": sponsor_may_see_photo(sp),
    }


def _passes(student: Student, body: str) -> bool:
    try:
        check_update_text(student, body)
    except DomainError:
        return False
    return True
