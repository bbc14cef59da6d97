"""Admins manage back-office users."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app import nav, uow
from app.auth import services
from app.auth.forms import UserForm
from app.auth.guards import roles_required
from app.auth.models import ROLE_LABELS, User
from app.errors import DomainError
from app.extensions import db
from app.formtools import form_status, page_number
from app.units.services import tree

bp = Blueprint("users_admin", __name__, url_prefix="/quan-tri/nguoi-dung")
nav.register(_l("Người dùng"), "users_admin.index", ("admin",), order=85)


@bp.route("/")
@roles_required("admin")
def index():
    """Users, searchable by name or e-mail, filterable by role."""
    q = request.args.get("q", "").strip()
    role = request.args.get("role", "")
    stmt = select(User).options(selectinload(User.unit)).order_by(User.email)  # unit per row
    if q:
        stmt = stmt.where(or_(User.email.ilike(f"%{q}%"), User.display_name.ilike(f"%{q}%")))
    if role in {r.value for r in ROLE_LABELS}:
        stmt = stmt.where(User.role == role)
    page = db.paginate(stmt, page=page_number(), per_page=30, error_out=False)
    return render_template("users_admin/index.html", page=page, q=q, role=role, roles=ROLE_LABELS)


@bp.route("/moi", methods=["GET", "POST"], defaults={"user_id": None})
@bp.route("/<int:user_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit(user_id: int | None):
    """Create a user, or change one's name, role, unit, activity and password."""
    user = db.session.get(User, user_id) if user_id else None
    if user_id and user is None:
        abort(404)
    form = UserForm(obj=user)
    form.unit_id.choices = [(u.id, "— " * d + u.name) for u, d in tree()]
    if user is not None:
        form.email.render_kw = {"readonly": True}
    if form.validate_on_submit():
        with uow.attempt(form) as done:
            if user is None:
                if not form.password.data:
                    raise DomainError(
                        _("Vui lòng đặt mật khẩu cho tài khoản mới."), field="password"
                    )
                user = services.create_user(
                    current_user,
                    email=form.email.data,
                    display_name=form.display_name.data,
                    role=form.role.data,
                    unit_id=form.unit_id.data,
                    password=form.password.data,
                )
            else:
                services.update_user(
                    current_user,
                    user,
                    display_name=form.display_name.data,
                    role=form.role.data,
                    unit_id=form.unit_id.data,
                    active=form.active.data,
                )
                if form.password.data:
                    services.set_password(current_user, user, form.password.data)
        if done:
            flash(_("Đã lưu tài khoản %(email)s.", email=user.email), "success")
            return redirect(url_for("users_admin.index"))
    return render_template("users_admin/edit.html", form=form, user=user), form_status(form)


@bp.route("/<int:user_id>/dat-lai-2fa", methods=["POST"])
@roles_required("admin")
def reset_totp(user_id: int):
    """Clear a user's second factor (after the confirmation dialog)."""
    user = db.session.get(User, user_id) or abort(404)
    with uow.attempt() as done:
        services.reset_totp(current_user, user)
    if done:
        flash(_("Đã đặt lại xác thực hai lớp cho %(email)s.", email=user.email), "success")
    return redirect(url_for("users_admin.edit", user_id=user.id))
