"""Role and unit-scope guards that every back-office part reuses."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from flask import abort, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import ColumnElement, literal, select

from app.auth.models import Role, User
from app.errors import Forbidden
from app.extensions import db
from app.units.models import Unit

# Roles that see every unit; the others see their own unit and the units under it.
FUND_WIDE_ROLES = frozenset({Role.admin, Role.treasurer, Role.auditor})
# Roles that may change things at all.
WRITER_ROLES = frozenset({Role.admin, Role.manager, Role.treasurer, Role.field})
MONEY_ROLES = frozenset({Role.admin, Role.manager, Role.treasurer, Role.auditor})


def roles_required(*roles: str | Role) -> Callable:
    """View decorator: the user must be logged in (and through 2FA) and hold one of `roles`."""
    wanted = {Role(r) for r in roles}

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("auth.login", next=request.full_path))
            if current_user.role not in wanted:
                abort(403)
            from app.auth.services import needs_totp_enrolment

            if needs_totp_enrolment(current_user):
                return redirect(url_for("account.enrol"))
            return view(*args, **kwargs)

        # Read by the route-by-role test and the nav.
        wrapper.allowed_roles = wanted  # type: ignore[attr-defined]
        return wrapper

    return decorator


def unit_subtree_ids(unit_id: int) -> set[int]:
    """The unit and every unit below it (recursive query, same on SQLite and PostgreSQL)."""
    tree = select(Unit.id).where(Unit.id == unit_id).cte("tree", recursive=True)
    tree = tree.union_all(select(Unit.id).where(Unit.parent_id == tree.c.id))
    return set(db.session.execute(select(tree.c.id)).scalars())


def sees_all_units(user: User) -> bool:
    """True for roles whose scope is the whole fund."""
    return user.role in FUND_WIDE_ROLES


def can_reach_unit(user: User, unit_id: int | None) -> bool:
    """True when `unit_id` lies within the user's scope."""
    if sees_all_units(user):
        return True
    return unit_id is not None and unit_id in unit_subtree_ids(user.unit_id)


def require_unit(user: User, unit_id: int | None) -> None:
    """Service-level guard: raise Forbidden outside the user's scope."""
    if not can_reach_unit(user, unit_id):
        raise Forbidden(_l("Bạn không có quyền với dữ liệu của đơn vị này."))


def require_role(user: User, roles: Iterable[str | Role]) -> None:
    """Service-level guard on the acting user's role."""
    if user.role not in {Role(r) for r in roles}:
        raise Forbidden(_l("Vai trò của bạn không được làm việc này."))


def unit_scope_clause(user: User, column) -> ColumnElement[bool]:
    """A WHERE clause limiting `column` (a unit id) to the user's scope."""
    if sees_all_units(user):
        return literal(True)
    return column.in_(unit_subtree_ids(user.unit_id))


def hides_existence(view: Callable) -> Callable:
    """View decorator (under @roles_required): what the user may not see is a 404, like what
    does not exist, so ids cannot be probed for files (scans, evidence, invoices, photos).

    Works whether the refusal is raised (Forbidden, a 403 abort) or already turned into a 403
    answer by @uow.transactional below it.
    """
    from werkzeug.exceptions import Forbidden as HTTPForbidden

    @wraps(view)
    def wrapper(*args, **kwargs):
        try:
            response = view(*args, **kwargs)
        except (Forbidden, HTTPForbidden):
            abort(404)
        if getattr(response, "status_code", None) == 403 or (
            isinstance(response, tuple) and len(response) > 1 and response[1] == 403
        ):
            abort(404)
        return response

    return wrapper
