"""Back office: the student registry (list, file, edit, timeline, import)."""

from __future__ import annotations

import io
from datetime import date

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from openpyxl import Workbook
from sqlalchemy.orm import selectinload

from app import uow
from app.auth.guards import roles_required
from app.extensions import db
from app.formtools import form_status, page_number
from app.spreadsheets import append
from students.blueprint import READERS, WRITERS, bp, commune_choices, school_choices, unit_choices
from students.care.risk import explain as explain_risk
from students.care.services import outcomes_of
from students.labels import CAUSE, GENDER, OUTCOME, SCOPE, SITUATION, STATUS
from students.photos.forms import PhotoForm, PhotoRemoveForm
from students.privacy import current_consent, public_label
from students.registry import importer
from students.registry.forms import ImportForm, StatusForm, StudentForm
from students.registry.models import Student, StudentStatus
from students.registry.services import (
    StudentData,
    change_status,
    create_student,
    get_student,
    search,
    update_student,
)
from students.rounds.services import support_of

PER_PAGE = 25


def _int_arg(name: str) -> int | None:
    raw = request.args.get(name, "")
    return int(raw) if raw.isdigit() else None


@bp.route("/")
@roles_required(*READERS)
def index():
    """Search and filter the students in the user's scope."""
    filters = {
        "q": request.args.get("q", "").strip()[:100],
        "unit_id": _int_arg("unit"),
        "school_id": _int_arg("school"),
        "grade": _int_arg("grade"),
        "status": request.args.get("status", ""),
        "min_risk": _int_arg("risk"),
        "order": "risk" if request.args.get("order") == "risk" else "name",
    }
    stmt = search(current_user, **filters).options(selectinload(Student.school))  # per row
    page = db.paginate(stmt, page=page_number(), per_page=PER_PAGE, error_out=False)
    return render_template(
        "students/registry/index.html",
        page=page,
        filters=filters,
        statuses=STATUS,
        units=unit_choices(current_user),
        schools=school_choices()[1:],
    )


def _form_choices(form: StudentForm) -> None:
    form.school_id.choices = school_choices()
    form.commune_id.choices = commune_choices()
    form.unit_id.choices = unit_choices(current_user)


def _data(form: StudentForm) -> StudentData:
    return StudentData(
        full_name=form.full_name.data or "",
        birth_date=form.birth_date.data,
        gender=form.gender.data,
        ethnicity=form.ethnicity.data or "",
        school_id=form.school_id.data,
        grade=form.grade.data,
        class_name=form.class_name.data or "",
        commune_id=form.commune_id.data,
        address=form.address.data or "",
        guardian_name=form.guardian_name.data or "",
        guardian_phone=form.guardian_phone.data or "",
        situations=form.situations.data or [],
        distance_m=form.distance.data or 0,
        absences=form.absences.data or 0,
        repeated_grade=form.repeated_grade.data,
        status=form.status.data,
        unit_id=form.unit_id.data,
        notes=form.notes.data or "",
    )


@bp.route("/moi", methods=["GET", "POST"])
@roles_required(*WRITERS)
def new():
    """Add a student."""
    form = StudentForm()
    _form_choices(form)
    if request.method == "GET":
        form.unit_id.data = current_user.unit_id
    if form.validate_on_submit():
        with uow.attempt(form) as done:
            student = create_student(current_user, _data(form))
        if done:
            flash(_("Đã thêm học sinh %(id)s.", id=student.public_id), "success")
            return redirect(url_for("students.detail", public_id=student.public_id))
    return render_template("students/registry/edit.html", form=form, student=None), form_status(
        form
    )


@bp.route("/<public_id>")
@roles_required(*READERS)
@uow.transactional
def detail(public_id: str):
    """The student's file: timeline, consent, visits, risk, outcomes and (for money roles) support."""
    student = get_student(current_user, public_id)  # the read is in the audit log
    shows_money = current_user.role.value != "field"
    return render_template(
        "students/registry/detail.html",
        s=student,
        labels={
            "gender": GENDER,
            "situation": SITUATION,
            "status": STATUS,
            "scope": SCOPE,
            "cause": CAUSE,
        },
        consent=current_consent(student),
        public_label=public_label(student),
        reasons=explain_risk(student),
        outcomes=outcomes_of(student),
        support=support_of(student) if shows_money else None,
        status_form=StatusForm(formdata=None),
        photo_form=PhotoForm(formdata=None),
        photo_remove_form=PhotoRemoveForm(formdata=None),
        can_write=current_user.role.value in WRITERS,
        today=date.today(),
        today_iso=date.today().isoformat(),
        outcome_labels=OUTCOME,
    )


@bp.route("/<public_id>/sua", methods=["GET", "POST"])
@roles_required(*WRITERS)
def edit(public_id: str):
    """Edit the student's file."""
    student = get_student(current_user, public_id)
    form = StudentForm(obj=student)
    _form_choices(form)
    if request.method == "GET":
        form.gender.data = student.gender.value
        form.status.data = student.status.value
        form.distance.data = student.distance_m
    if form.validate_on_submit():
        with uow.attempt(form) as done:
            update_student(current_user, student, _data(form))
        if done:
            flash(_("Đã lưu hồ sơ."), "success")
            return redirect(url_for("students.detail", public_id=public_id))
    return render_template("students/registry/edit.html", form=form, student=student), form_status(
        form
    )


@bp.route("/<public_id>/tinh-trang", methods=["POST"])
@roles_required(*WRITERS)
def status(public_id: str):
    """Add a step to the timeline."""
    student = get_student(current_user, public_id, audit_read=False)
    form = StatusForm()
    if form.validate_on_submit():
        with uow.attempt() as done:
            change_status(
                current_user, student, form.status.data, form.on.data, form.note.data or ""
            )
        if done:
            flash(_("Đã cập nhật tình trạng."), "success")
    else:
        for errors in form.errors.values():
            flash(" ".join(str(e) for e in errors), "error")
    return redirect(url_for("students.detail", public_id=public_id))


@bp.route("/nhap", methods=["GET", "POST"])
@roles_required(*WRITERS)
def import_upload():
    """Upload a review list; the next page previews it."""
    form = ImportForm()
    form.unit_id.choices = unit_choices(current_user)
    if request.method == "GET":
        form.unit_id.data = current_user.unit_id
    if form.validate_on_submit():
        upload = form.file.data
        if not upload or not upload.filename:
            form.file.errors.append(_("Vui lòng chọn tệp."))
        else:
            with uow.attempt(form) as done:
                rows = importer.analyse(
                    current_user, upload.read(), upload.filename, form.unit_id.data
                )
                token = importer.save_preview(current_user, rows, form.unit_id.data)
            if done:
                return redirect(url_for("students.import_preview", token=token))
    return render_template("students/registry/import.html", form=form), 422 if form.errors else 200


@bp.route("/nhap/mau.xlsx")
@roles_required(*WRITERS)
def import_template():
    """An empty list with the expected columns and one invented example row."""
    wb = Workbook()
    ws = wb.active
    append(ws, importer.TEMPLATE_HEADERS)
    append(
        ws,
        [
            "Nguyễn Văn Mẫu",
            "15/03/2013",
            "Nam",
            "Kinh",
            "(tên trường như trong danh mục)",
            7,
            "7A",
            "(tên xã)",
            "Nguyễn Văn Bố",
            "0912345678",
            "Hộ nghèo",
            6,
            12,
            "Không",
            "Có nguy cơ bỏ học",
            "",
        ],
    )
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return send_file(
        out,
        download_name="mau-danh-sach-ra-soat.xlsx",
        as_attachment=True,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@bp.route("/nhap/<token>", methods=["GET", "POST"])
@roles_required(*WRITERS)
def import_preview(token: str):
    """Show each row's verdict; confirming adds the valid, non-duplicate rows."""
    rows, _unit = importer.load_preview(current_user, token)
    if request.method == "POST":
        with uow.attempt() as done:
            added = importer.confirm(current_user, token)
        if done:
            flash(_("Đã thêm %(n)s học sinh từ tệp.", n=added), "success")
            return redirect(url_for("students.index"))
    ok = sum(1 for r in rows if r.ok and not r.duplicate)
    return render_template(
        "students/registry/import_preview.html",
        rows=rows,
        ok=ok,
        token=token,
        statuses=StudentStatus,
    )


@bp.route("/nhap/<token>/huy", methods=["POST"])
@roles_required(*WRITERS)
def import_cancel(token: str):
    """Cancel an import: the preview (it names children) is deleted at once."""
    importer.discard_preview(current_user, token)
    flash(_("Đã huỷ bản xem trước."), "success")
    return redirect(url_for("students.import_upload"), code=303)
