"""What the public may see of a student: only what the current consent allows (DESIGN.md §6)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.extensions import db
from students.care.models import Consent, ConsentScope
from students.registry.codes import clean_name, initials
from students.registry.models import Student


def current_consent(student: Student, today: date | None = None) -> Consent | None:
    """The latest consent not withdrawn (as of `today`), or None."""
    today = today or date.today()
    for consent in sorted(student.consents, key=lambda c: (c.given_on, c.id), reverse=True):
        if consent.given_on > today:
            continue
        if consent.withdrawn_on is not None and consent.withdrawn_on <= today:
            return None  # the latest word is a withdrawal: nothing public
        return consent
    return None


def current_scope(student: Student) -> ConsentScope:
    """The scope now in force (nothing without a consent)."""
    consent = current_consent(student)
    return consent.scope if consent else ConsentScope.none


def public_view(student: Student) -> dict | None:
    """The public facts about a student, or None when nothing may be shown."""
    scope = current_scope(student)
    if scope == ConsentScope.none:
        return None
    view = {
        "public_id": student.public_id,
        "initials": initials(student.full_name),
        "grade": student.grade,
        "school": student.school.name if student.school else "",
        "commune": student.commune.name if student.commune else "",
        "first_name": None,
        "photo": False,
    }
    if scope == ConsentScope.named:
        view["first_name"] = clean_name(student.full_name).split(" ")[-1]
        view["photo"] = bool(student.photo_path)
    return view


def public_label(student: Student) -> str:
    """One line for public lists: the consented facts, else the public id alone."""
    view = public_view(student)
    if view is None:
        return student.public_id
    who = view["first_name"] or view["initials"]
    parts = [who, f"lớp {view['grade']}", view["school"], view["commune"]]
    return " · ".join(p for p in parts if p)


def public_beneficiary(public_id: str) -> str:
    """For the statement and the API: the label of `student:<public_id>` under current consent."""
    student = db.session.execute(
        select(Student).where(Student.public_id == public_id)
    ).scalar_one_or_none()
    return public_label(student) if student else public_id
