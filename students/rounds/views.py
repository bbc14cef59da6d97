"""Back office: allocation rounds, approval, hand-over, evidence and the sign-off list."""

from __future__ import annotations

import io

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import private_files, uow
from app.audit.service import record
from app.auth.guards import hides_existence, roles_required, unit_scope_clause, unit_subtree_ids
from app.extensions import db
from app.formtools import form_status, page_number
from campaigns.models import Campaign
from students.blueprint import MONEY_READERS, rounds_bp, unit_choices
from students.labels import METHOD, ROUND_ASSETS, ROUND_STATUS
from students.quantity import parse_quantity
from students.registry.models import Student
from students.rounds import handovers, picking, signoff
from students.rounds import services as svc
from students.rounds.forms import DecisionForm, HandoverForm, LineForm, RoundForm
from students.rounds.models import AllocationLine, AllocationRound, Handover, RoundStatus

PROPOSERS = ("admin", "manager")
APPROVERS = ("admin", "treasurer")


@rounds_bp.route("/")
@roles_required(*MONEY_READERS)
def index():
    """Rounds in scope, filtered by status."""
    status = request.args.get("status", "")
    stmt = svc.list_rounds(current_user, status).options(
        *(selectinload(rel) for rel in (AllocationRound.campaign, AllocationRound.unit)),
        selectinload(AllocationRound.lines),
    )
    page = db.paginate(stmt, page=page_number(), per_page=20, error_out=False)
    return render_template(
        "students/rounds/rounds.html", page=page, status=status, statuses=ROUND_STATUS
    )


@rounds_bp.route("/moi", methods=["GET", "POST"])
@roles_required(*PROPOSERS)
def new():
    """Start a round for one campaign and one unit."""
    form = RoundForm()
    form.campaign_id.choices = [
        (c.id, c.title)
        for c in db.session.execute(select(Campaign).order_by(Campaign.title)).scalars()
    ]
    form.unit_id.choices = unit_choices(current_user)
    if request.method == "GET":
        form.unit_id.data = current_user.unit_id
    if form.validate_on_submit():
        with uow.attempt(form) as done:
            rnd = svc.create_round(
                current_user,
                campaign_id=form.campaign_id.data,
                title=form.title.data,
                unit_id=form.unit_id.data,
            )
        if done:
            return redirect(url_for("student_rounds.detail", public_id=rnd.public_id))
    return render_template("students/rounds/round_new.html", form=form), form_status(form)


def _line_form(rnd) -> LineForm:
    form = LineForm()
    scope = unit_subtree_ids(rnd.unit_id)
    taken = {line.student_id for line in rnd.lines}  # never offered twice
    rows = db.session.execute(
        select(Student)
        .where(
            Student.unit_id.in_(scope),
            unit_scope_clause(current_user, Student.unit_id),
            Student.id.not_in(taken) if taken else Student.id.is_not(None),
        )
        .order_by(Student.risk_score.desc(), Student.name_key)
        .limit(500)
    ).scalars()
    form.student.choices = [("", "—")] + [
        (
            s.public_id,
            _(
                "%(name)s · %(id)s · lớp %(grade)s · %(score)s điểm",
                name=s.full_name,
                id=s.public_id,
                grade=s.grade,
                score=s.risk_score,
            ),
        )
        for s in rows
    ]
    return form


@rounds_bp.route("/<public_id>")
@roles_required(*MONEY_READERS)
def detail(public_id: str):
    """The round: its lines, balances, and the actions the user may take now."""
    rnd = svc.get_round(current_user, public_id)
    form = _line_form(rnd) if current_user.role.value in PROPOSERS else None
    return _render(rnd, form)


@rounds_bp.route("/<public_id>/them-hoc-sinh", methods=["POST"])
@roles_required(*PROPOSERS)
def add_line(public_id: str):
    """Add a student's support to a round being prepared."""
    rnd = svc.get_round(current_user, public_id)
    form = _line_form(rnd)
    if form.validate_on_submit():
        with uow.attempt(form) as done:
            amount = parse_quantity(form.amount.data, form.asset.data)
            svc.add_line(
                current_user,
                rnd,
                student_public_id=form.student.data,
                asset=form.asset.data,
                amount=amount,
                note=form.note.data or "",
            )
        if done:
            flash(_("Đã thêm vào đợt trao."), "success")
            return redirect(url_for("student_rounds.detail", public_id=public_id))
    return _render(rnd, form)


def _render(rnd, form):
    # The lines with their students and schools, the hand-overs with their evidence: loaded
    # once for the page, not row by row.
    db.session.execute(
        select(AllocationRound)
        .where(AllocationRound.id == rnd.id)
        .options(
            selectinload(AllocationRound.lines)
            .selectinload(AllocationLine.student)
            .selectinload(Student.school),
            selectinload(AllocationRound.handovers).selectinload(Handover.lines),
            selectinload(AllocationRound.handovers).selectinload(Handover.evidence),
        )
    ).scalar_one()
    balances = svc.available(rnd)
    held = svc.committed_elsewhere(rnd)
    role = current_user.role.value
    editable = rnd.status in svc.EDITABLE and role in PROPOSERS
    page = render_template(
        "students/rounds/round.html",
        rnd=rnd,
        form=form,
        needs=svc.needs(rnd),
        balances=balances,
        held=held,
        short=svc.shortfalls(rnd) if rnd.status == RoundStatus.proposed else [],
        propose_short=svc.propose_shortfalls(rnd) if editable and rnd.lines else [],
        **(picking.picking_context(rnd) if editable else {}),
        decision=DecisionForm(formdata=None),
        statuses=ROUND_STATUS,
        assets=ROUND_ASSETS,
        methods=METHOD,
        editable=editable,
        can_decide=rnd.status == RoundStatus.proposed
        and role in APPROVERS
        and current_user.id not in (rnd.proposed_by_id, rnd.created_by_id),
        can_hand_over=rnd.status == RoundStatus.approved and role in handovers.HANDOVER_ROLES,
    )
    return page, form_status(form) if form else 200


def _act(public_id: str, action, message: str):
    rnd = svc.get_round(current_user, public_id)
    form = DecisionForm()
    if form.validate_on_submit():
        with uow.attempt() as committed:
            action(rnd, form.note.data or "")
        if committed:
            flash(message, "success")
    return redirect(url_for("student_rounds.detail", public_id=public_id))


@rounds_bp.route("/<public_id>/bo-dong/<int:line_id>", methods=["POST"])
@roles_required(*PROPOSERS)
def remove_line(public_id: str, line_id: int):
    """Take a line off a round still being prepared."""
    return _act(
        public_id,
        lambda rnd, _note: svc.remove_line(current_user, rnd, line_id),
        _("Đã bỏ dòng khỏi đợt trao."),
    )


@rounds_bp.route("/<public_id>/gui-duyet", methods=["POST"])
@roles_required(*PROPOSERS)
def propose(public_id: str):
    """Send for approval."""
    return _act(
        public_id, lambda rnd, _note: svc.propose(current_user, rnd), _("Đã gửi đợt trao để duyệt.")
    )


@rounds_bp.route("/<public_id>/duyet", methods=["POST"])
@roles_required(*APPROVERS)
def approve(public_id: str):
    """Approve: posts every line to the ledger, or nothing."""
    return _act(
        public_id,
        lambda rnd, note: svc.approve(current_user, rnd, note),
        _("Đã duyệt đợt trao và ghi vào sổ cái."),
    )


@rounds_bp.route("/<public_id>/tra-lai", methods=["POST"])
@roles_required(*APPROVERS)
def send_back(public_id: str):
    """Return to the proposer with a reason."""
    return _act(
        public_id,
        lambda rnd, note: svc.return_round(current_user, rnd, note),
        _("Đã trả lại đợt trao cho người đề xuất."),
    )


@rounds_bp.route("/<public_id>/trao", methods=["GET", "POST"])
@roles_required(*handovers.HANDOVER_ROLES)
def handover(public_id: str):
    """Record a hand-over with its evidence."""
    rnd = svc.get_round(current_user, public_id)
    form = HandoverForm()
    open_lines = [ln for ln in rnd.lines if ln.handover_id is None]
    chosen = [int(x) for x in request.form.getlist("lines") if x.isdigit()]
    if form.validate_on_submit():
        # One byte over a limit is enough for the service to refuse the file clearly.
        photos = [
            f.read(private_files.MAX_IMAGE_BYTES + 1)
            for f in (form.photos.data or [])
            if f and f.filename
        ]
        signed = form.signed_list.data
        with uow.attempt(form) as done:
            handovers.record_handover(
                current_user,
                rnd,
                line_ids=chosen,
                handed_on=form.handed_on.data,
                place=form.place.data,
                method=form.method.data,
                handed_by=form.handed_by.data,
                signers=form.signers.data or "",
                note=form.note.data or "",
                photos=photos,
                signed_list=(signed.read(private_files.MAX_UPLOAD_BYTES + 1), signed.filename)
                if signed and signed.filename
                else None,
            )
        if done:  # the evidence files were written after the commit
            flash(_("Đã ghi nhận việc trao và ghi vào sổ cái."), "success")
            return redirect(url_for("student_rounds.detail", public_id=public_id))
    elif request.method == "GET":
        chosen = [ln.id for ln in open_lines]
    # A refusal without a field of its own (a line already handed over) is flashed: still 422.
    status = 422 if request.method == "POST" else 200
    open_lines = [
        ln for ln in svc.get_round(current_user, public_id).lines if ln.handover_id is None
    ]
    return render_template(
        "students/rounds/handover.html", rnd=rnd, form=form, lines=open_lines, chosen=set(chosen)
    ), status


@rounds_bp.route("/minh-chung/<int:evidence_id>")
@roles_required(*MONEY_READERS)
@hides_existence
@uow.transactional
def evidence(evidence_id: int):
    """A hand-over photo or scan, served only through this checked view."""
    item = svc.evidence_for(current_user, evidence_id)
    return private_files.send(item.path)  # 404 when missing; a PDF as an attachment


@rounds_bp.route("/<public_id>/ky-nhan.<fmt>")
@roles_required(*MONEY_READERS)
@uow.transactional
def signoff_list(public_id: str, fmt: str):
    """The sign-off list as PDF or XLSX (it names the children: audited)."""
    if fmt not in ("pdf", "xlsx"):
        abort(404)
    rnd = svc.get_round(current_user, public_id)
    if not rnd.lines:
        flash(_("Đợt trao chưa có học sinh nào."), "error")
        return redirect(url_for("student_rounds.detail", public_id=public_id))
    fund = current_app.config["FUND_NAME"]
    data = signoff.pdf(rnd, fund) if fmt == "pdf" else signoff.xlsx(rnd, fund)
    record(
        current_user,
        "round.signoff_list",
        rnd,
        _l("Tải danh sách ký nhận (%(fmt)s) %(id)s", fmt=fmt, id=rnd.public_id),
        target_id=rnd.public_id,
    )
    mimetype = (
        "application/pdf"
        if fmt == "pdf"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return send_file(
        io.BytesIO(data),
        mimetype=mimetype,
        as_attachment=True,
        download_name=f"ky-nhan-{rnd.public_id}.{fmt}",
    )
