"""Monthly bank reconciliation: the back office (/quan-tri/doi-soat) and the public pages of
closed months (/doi-soat)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from app import nav, uow
from app.auth.guards import roles_required
from app.dbtypes import VN_TZ, utcnow
from app.errors import DomainError, NotFound
from app.extensions import db
from app.formtools import form_status
from app.money import MoneyError, parse_amount
from app.templating import month_label
from donations.bank import reconciliation as service
from donations.bank.forms import MonthStatementForm
from donations.bank.models import StatementImport
from donations.bank.month_models import BankMonth

public = Blueprint("reconciliation", __name__, url_prefix="/doi-soat")
admin = Blueprint("reconciliation_admin", __name__, url_prefix="/quan-tri/doi-soat")
nav.register(_l("Đối soát ngân hàng"), "reconciliation_admin.index", service.CLOSERS, order=34)
RECENT_MONTHS = 12


def parse_balance(text: str | None, field: str) -> int:
    """A balance as printed on a statement (0 is a balance too)."""
    if (text or "").strip() in ("0", "0 ₫", "0đ"):
        return 0
    try:
        return parse_amount(text or "", maximum=10**15)
    except MoneyError as err:
        raise DomainError(err.message, field=field) from None


def _typed(amount: int | None) -> str:
    """An amount as a treasurer would type it (12.500.000), or nothing."""
    return "" if amount is None else f"{amount:,}".replace(",", ".")


def _recent_months(count: int = RECENT_MONTHS) -> list[str]:
    today = utcnow().astimezone(VN_TZ).date()
    year, month = today.year, today.month
    months = []
    for _step in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months


def _month_or_404(month: str) -> str:
    try:
        return service.parse_month(month)
    except NotFound:
        abort(404)


@admin.route("")
@roles_required(*service.CLOSERS)
def index():
    """The last twelve months and every month with a statement, open or closed."""
    records = {r.month: r for r in db.session.execute(select(BankMonth)).scalars()}
    months = sorted(set(_recent_months()) | set(records), reverse=True)
    return render_template(
        "donations/bank/reconciliation/admin_index.html", months=months, records=records
    )


def _statement_choices() -> list[tuple[int | None, str]]:
    rows = db.session.execute(
        select(StatementImport).order_by(StatementImport.id.desc()).limit(50)
    ).scalars()
    return [(None, _("— Chọn tệp sao kê —"))] + [
        (row.id, f"{row.filename} · {row.sha256[:12]}…") for row in rows
    ]


def _month_page(month: str, form: MonthStatementForm, status: int = 200):
    record = service.month_record(month)
    result = service.reconcile(month, record)
    return render_template(
        "donations/bank/reconciliation/admin_month.html",
        month=month,
        record=record,
        result=result,
        form=form,
        labels=service.ITEM_LABELS,
    ), status


@admin.route("/<month>", methods=["GET", "POST"])
@roles_required(*service.CLOSERS)
def month(month: str):
    """One month: enter the statement's balances, see every difference, close it."""
    month = _month_or_404(month)
    record = service.month_record(month)
    form = MonthStatementForm(obj=None)
    form.statement_id.choices = _statement_choices()
    if not form.is_submitted():
        if record is not None:
            opening, closing = record.opening_balance, record.closing_balance
            form.statement_id.data = record.statement_import_id
        else:
            opening, closing = service.suggested_balances(month, service.reconcile(month))
        form.opening.data = _typed(opening)
        form.closing.data = _typed(closing)
    if form.validate_on_submit():
        with uow.attempt(form) as done:
            service.save_statement(
                current_user,
                month,
                opening=parse_balance(form.opening.data, "opening"),
                closing=parse_balance(form.closing.data, "closing"),
                statement_import_id=form.statement_id.data,
            )
        if done:
            flash(_("Đã lưu số dư sao kê tháng %(month)s.", month=month_label(month)), "success")
            return redirect(url_for("reconciliation_admin.month", month=month))
    return _month_page(month, form, form_status(form))


@admin.post("/<month>/chot")
@roles_required(*service.CLOSERS)
def close(month: str):
    """Close the month when bank and ledger agree."""
    month = _month_or_404(month)
    with uow.attempt() as done:
        service.close_month(current_user, month)
    if done:
        flash(_("Đã chốt đối soát tháng %(month)s.", month=month_label(month)), "success")
    return redirect(url_for("reconciliation_admin.month", month=month))


@public.route("")
def public_index():
    """Every closed month, with both totals and the difference."""
    return render_template(
        "donations/bank/reconciliation/index.html", months=service.closed_months()
    )


@public.route("/<month>")
def public_month(month: str):
    """A closed month: bank and ledger totals, the difference (zero), the statement's hash."""
    month = _month_or_404(month)
    record = service.month_record(month)
    if record is None or not record.closed:
        abort(404)
    return render_template("donations/bank/reconciliation/month.html", record=record)
