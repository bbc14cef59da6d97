"""Routes of activity photos: upload and settings (back office), the file for the back office,
the file for the public (only a photo shown publicly)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import private_files, uow
from app.auth.guards import roles_required
from students.activities.forms import PhotoForm
from students.activities.photos import (
    add_photos,
    get_photo,
    public_photo,
    update_photo,
)
from students.activities.services import get_activity
from students.activities.views import bp
from students.blueprint import READERS, WRITERS

public_bp = Blueprint("activity_photos", __name__)


@bp.route("/<int:activity_id>/anh", methods=["POST"])
@roles_required(*WRITERS)
def upload_photos(activity_id: int):
    """Add photos to an activity (private unless marked public with a consent that allows)."""
    activity = get_activity(current_user, activity_id)
    if PhotoForm().validate_on_submit():
        files = request.files.getlist("photos")
        with uow.attempt() as done:
            add_photos(
                current_user,
                activity,
                [f.read() for f in files if f and f.filename],
                caption=request.form.get("caption", ""),
                consent=request.form.get("consent", "none"),
                public=request.form.get("public") == "y",
            )
        if done:
            flash(_("Đã thêm ảnh."), "success")
    return redirect(url_for("unit_activities.detail", activity_id=activity_id) + "#anh")


@bp.route("/anh/<int:activity_photo_id>", methods=["POST"])
@roles_required(*WRITERS)
def photo_settings(activity_photo_id: int):
    """Change a photo's caption, consent and whether it is public."""
    photo = get_photo(current_user, activity_photo_id)
    if PhotoForm().validate_on_submit():
        with uow.attempt() as done:
            update_photo(
                current_user,
                photo,
                caption=request.form.get("caption", ""),
                consent=request.form.get("consent", "none"),
                public=request.form.get("public") == "y",
            )
        if done:
            flash(_("Đã lưu ảnh."), "success")
    return redirect(url_for("unit_activities.detail", activity_id=photo.activity_id) + "#anh")


@bp.route("/anh/<int:activity_photo_id>")
@roles_required(*READERS)
def photo_file(activity_photo_id: int):
    """The file, for those who may read the unit's activities."""
    return _send(get_photo(current_user, activity_photo_id).path, "private, no-store")


@public_bp.route("/hoat-dong/anh/<int:activity_photo_id>")
def public_file(activity_photo_id: int):
    """A photo shown publicly; every other photo is "not found" (even its existence)."""
    # The unit may take a photo back at any time: no cache keeps it.
    return _send(public_photo(activity_photo_id).path, "no-store")


def _send(relative: str, cache: str):
    path = private_files.existing(relative)
    if path is None:
        abort(404)
    response = send_file(path, mimetype=private_files.content_type(relative), max_age=0)
    response.headers["Cache-Control"] = cache
    return response
