"""A student's photo: upload, replace, remove and view (back office); the sponsor's view."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import uow
from app.auth.guards import hides_existence, roles_required
from app.formtools import form_status
from students.blueprint import READERS, WRITERS, bp, public_bp
from students.photos import services as svc
from students.photos.forms import PhotoForm, PhotoRemoveForm
from students.registry.services import get_student


@bp.route("/<public_id>/anh", methods=["GET", "POST"])
@roles_required(*WRITERS)
def photo_upload(public_id: str):
    """Upload or replace the student's photo (EXIF and GPS are removed)."""
    student = get_student(current_user, public_id, audit_read=False)  # scope before the form
    form = PhotoForm()
    if form.validate_on_submit():
        upload = form.photo.data
        # One byte over the limit is enough for the service to refuse it with a clear message.
        data = upload.read(svc.MAX_PHOTO_BYTES + 1) if upload and upload.filename else b""
        with uow.attempt(form) as done:
            svc.set_photo(current_user, student, data)
        if done:  # the file was written after the commit
            flash(_("Đã lưu ảnh của học sinh."), "success")
            return redirect(url_for("students.detail", public_id=public_id), code=303)
    return render_template(
        "students/photos/photo.html",
        form=form,
        s=student,
        remove_form=PhotoRemoveForm(formdata=None),
        max_mb=svc.MAX_PHOTO_BYTES // (1024 * 1024),
    ), form_status(form)


@bp.route("/<public_id>/anh/xoa", methods=["POST"])
@roles_required(*WRITERS)
def photo_remove(public_id: str):
    """Remove the student's photo (the form asks for confirmation)."""
    student = get_student(current_user, public_id, audit_read=False)
    form = PhotoRemoveForm()
    if form.validate_on_submit():
        with uow.attempt() as done:
            svc.remove_photo(current_user, student)
        if done:  # the file was deleted after the commit
            flash(_("Đã xoá ảnh của học sinh."), "success")
    else:
        flash(_("Phiên làm việc đã hết hạn, vui lòng thử lại."), "error")
    return redirect(url_for("students.detail", public_id=public_id), code=303)


@bp.route("/<public_id>/anh/xem")
@roles_required(*READERS)
@hides_existence
@uow.transactional
def photo(public_id: str):
    """The photo, only through this role- and unit-checked view. Every read is audited."""
    student = get_student(current_user, public_id, audit_read=False)
    path, mimetype = svc.photo_file(current_user, student)  # audited
    response = send_file(path, mimetype=mimetype, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@public_bp.route("/do-dau/<token>/anh")
@uow.transactional
def sponsor_photo(token: str):
    """The photo on the sponsor's page: only while today's consent includes the photo."""
    if len(token) > 64:
        abort(404)
    path, mimetype = svc.sponsor_photo_file(token)  # the read is in the audit log
    response = send_file(path, mimetype=mimetype, max_age=0)
    # Consent can be withdrawn at any time: no copy may outlive it in a cache.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
