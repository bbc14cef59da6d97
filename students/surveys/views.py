"""Back office of surveys: the year's surveys, start one, fill and submit it, consolidate."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from app import uow
from app.auth.guards import roles_required, unit_subtree_ids
from students import schoolyear
from students.blueprint import READERS, WRITERS, unit_choices
from students.labels import CAUSE
from students.surveys.figures import MEASURES, registry_counts, registry_lines
from students.surveys.models import Period, SurveyStatus
from students.surveys.services import (
    GENDER_WORDS,
    consolidate,
    get_survey,
    line_label,
    save_survey,
    start_survey,
    surveys,
)

bp = Blueprint("unit_surveys", __name__, url_prefix="/quan-tri/khao-sat")

PERIOD = {
    Period.mid_term: _l("Giữa năm học (sơ kết)"),
    Period.year_end: _l("Cuối năm học (tổng kết)"),
}
MEASURE = {
    "out_of_class": _l("Học sinh không ra lớp"),
    "returned": _l("Học sinh đã trở lại lớp"),
    "dropped_out": _l("Học sinh đã bỏ học"),
}
DIMENSION = {
    "total": _l("Tổng số"),
    "female": _l("Nữ"),
    "male": _l("Nam"),
    "primary": _l("Tiểu học"),
    "lower": _l("THCS"),
    "upper": _l("THPT"),
    "minority": _l("Dân tộc thiểu số"),
}
GENDER = {"female": _l("Nữ"), "male": _l("Nam"), "other": _l("Khác")}
NEW_LINES = 1  # a blank line per measure (saving brings another) for a cell not in the registry
MAX_LINES = 2000
STATUS = {SurveyStatus.draft: _l("Đang điền"), SurveyStatus.submitted: _l("Đã gửi")}


class Plain(FlaskForm):
    """CSRF only: the survey's fields are read from the request by name."""


def _year() -> str:
    year = request.args.get("year", "")
    return year if schoolyear.YEAR_RE.match(year) else schoolyear.current_year()


@bp.route("/")
@roles_required(*READERS)
def index():
    """The year's surveys in scope, and a form to start one."""
    year = _year()
    return render_template(
        "students/surveys/index.html",
        rows=surveys(current_user, year),
        year=year,
        years=schoolyear.year_choices(),
        periods=PERIOD,
        statuses=STATUS,
        units=unit_choices(current_user),
        form=Plain(),
    )


@bp.route("/bat-dau", methods=["POST"])
@roles_required(*WRITERS)
def start():
    """Start (or reopen) the unit's survey of a period, pre-filled."""
    unit = request.form.get("unit_id", "")
    survey = None
    form = Plain()
    if form.validate_on_submit():
        with uow.attempt() as done:
            survey = start_survey(
                current_user,
                int(unit) if unit.isdigit() else None,
                request.form.get("school_year", ""),
                request.form.get("period", ""),
            )
        if done and survey is not None:
            return redirect(url_for("unit_surveys.detail", survey_id=survey.id))
    return redirect(url_for("unit_surveys.index"))


@bp.route("/<int:survey_id>")
@roles_required(*READERS)
def detail(survey_id: int):
    """The survey: the form while it is a draft, the figures once submitted."""
    survey = get_survey(current_user, survey_id)
    return _page(survey, Plain(), None)


@bp.route("/<int:survey_id>", methods=["POST"])
@roles_required(*WRITERS)
def save(survey_id: int):
    """Save the draft, or submit it to the province."""
    survey = get_survey(current_user, survey_id)
    form = Plain()
    values = request.form
    if not form.validate_on_submit():
        return _page(survey, form, values), 422
    submit = values.get("action") == "submit"
    with uow.attempt() as done:  # a refusal is flashed, and shown beside its field below
        save_survey(
            current_user,
            survey,
            lines=_posted_lines(values),
            reasons={m: values.get(f"reason_{m}", "") for m in MEASURES},
            causes={c.value: values.get(f"cause_{c.value}") for c in CAUSE},
            supported=values.get("supported"),
            support_note=values.get("support_note", ""),
            submit=submit,
        )
    if done:
        flash(_("Đã gửi phiếu khảo sát lên tỉnh.") if submit else _("Đã lưu phiếu."), "success")
        return redirect(url_for("unit_surveys.detail", survey_id=survey_id))
    error = done.error
    errors = {error.field: str(error.message)} if error is not None and error.field else {}
    return _page(get_survey(current_user, survey_id), form, values, errors), 422


def _posted_lines(values) -> list[dict]:
    """The form's lines by their number; an added line left without a count is left out."""
    out = []
    for i in range(MAX_LINES):
        measure = values.get(f"line-{i}-measure")
        if measure is None:
            break
        line = {
            "index": i,
            "measure": measure,
            "grade": values.get(f"line-{i}-grade", ""),
            "gender": values.get(f"line-{i}-gender", ""),
            "ethnic_group": values.get(f"line-{i}-group", ""),
            "count": values.get(f"line-{i}-count", ""),
        }
        if values.get(f"line-{i}-new") and not line["count"].strip():
            continue
        out.append(line)
    return out


def _form_lines(survey) -> list[dict]:
    """The lines the form shows: the survey's, then the registry's cells it lacks (a child
    recorded since the survey started, pre-filled with the registry's figure), then each
    measure's blank ones."""
    registry = registry_lines(unit_subtree_ids(survey.unit_id))
    counts = {line.key: line.count for line in survey.lines}
    for key, n in sorted(registry.items()):
        counts.setdefault(key, n)
    out = []
    for measure in MEASURES:
        out += [
            {
                "measure": measure,
                "key": key,
                "label": line_label(key),
                "count": n,
                "registry": registry.get(key, 0),
            }
            for key, n in counts.items()
            if key[0] == measure
        ]
        out += [{"measure": measure, "new": True}] * NEW_LINES
    return [dict(line, index=i) for i, line in enumerate(out)]


def _page(survey, form, values, errors=None):
    registry = registry_counts(unit_subtree_ids(survey.unit_id))
    return render_template(
        "students/surveys/survey.html",
        s=survey,
        form=form,
        values=values,
        errors=errors or {},
        registry=registry,
        lines=_form_lines(survey),
        genders=GENDER,
        gender_words=GENDER_WORDS,
        line_label=line_label,
        periods=PERIOD,
        measures=MEASURE,
        dimensions=DIMENSION,
        causes=CAUSE,
        statuses=STATUS,
        editable=survey.status == SurveyStatus.draft and current_user.role.value in WRITERS,
    )


@bp.route("/tong-hop")
@roles_required("admin", "auditor", "manager")
def consolidated():
    """The province adds up the submitted surveys of a period."""
    year = _year()
    period = request.args.get("period", "year_end")
    period = period if period in Period.__members__ else "year_end"
    c = consolidate(current_user, year, period)
    by_grade: dict[int, dict[str, int]] = {}
    by_group: dict[str, dict[str, int]] = {}
    for (measure, grade, _gender, group), n in c.lines.items():
        row = by_grade.setdefault(grade, dict.fromkeys(MEASURES, 0))
        row[measure] += n
        row = by_group.setdefault(group, dict.fromkeys(MEASURES, 0))
        row[measure] += n
    return render_template(
        "students/surveys/consolidated.html",
        c=c,
        by_grade=sorted(by_grade.items()),
        by_group=sorted(by_group.items()),
        year=year,
        period=period,
        years=schoolyear.year_choices(),
        periods=PERIOD,
        measures=MEASURE,
        dimensions=DIMENSION,
        causes=CAUSE,
    )
