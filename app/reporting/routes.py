"""Coordinators' (and trainers', for their own courses) reports: dashboard, indicators, at-risk list, drill-down,
exports. Every page and its exports take the same filter arguments, so an export is what the page shows."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from app.accounts.models import Country, Gender, User
from app.catalogue.forms import fill_texts, texts_from
from app.catalogue.models import Course, Specialisation
from app.cooperation import figures as cooperation_figures
from app.core.audit import record_event
from app.core.employers import employer_text
from app.core.exports import export_response
from app.core.i18n import LANGUAGE_NAMES
from app.core.pagination import paginate_rows
from app.core.permissions import Role, load_or_403, load_or_404, role_required
from app.core.translated import pick
from app.core.uow import form_page, refusals, writes
from app.downloads.services import ask_for_file
from app.extensions import db
from app.reporting import bp, measures, risk, services
from app.reporting.downloads import PLACEMENT_ARGS, report_filters, risk_table, scope_params
from app.reporting.forms import MEASURE_LABELS, IndicatorForm, ReportFilterForm
from app.reporting.measures import Scope
from app.reporting.models import Indicator, Measure
from app.reporting.policies import (
    can_export_placements,
    can_see_all_figures,
    can_see_course_figures,
    can_see_person,
    report_course_ids,
)
from app.reporting.record import placement_register, trainee_record
from app.reporting.summary_pdf import summary_pdf

READERS = (Role.COORDINATOR, Role.TRAINER)
COMPANIES_SHOWN = 25


def _filters() -> tuple[ReportFilterForm, Scope]:
    return report_filters(request.args, current_user)


#: What the filter form reads from the query string.
FILTER_ARGS = ("start", "end", "specialisation", "country", "company", "region")


def _filters_html(form: ReportFilterForm, scope: Scope) -> Markup:
    """The filter form, rendered once per query string, reach and language and then kept (its employer list runs
    to hundreds of options: rendering it cost more than the rest of a cached report page)."""
    typed = sorted((k, v) for k, v in request.args.items(multi=True) if k in FILTER_ARGS)
    key = services.html_key("filters-html", scope, typed)
    return services.cached_html(key, lambda: render_template("reporting/_filters.html", form=form,
                                                             hidden=None))[1]


#: The arguments report pages carry to their links and exports (anything else in the URL is ignored).
CARRIED_ARGS = ("start", "end", "specialisation", "country", "company", "region", "figure")


def _args(**extra) -> dict:
    values = {k: v for k, v in request.args.items() if v and k in CARRIED_ARGS}
    values.update(extra)
    return values


def _audit_export(what: str) -> None:
    """Exports of personal data are evidence-relevant: who took which list, with which filters. (Their views are
    ``@writes``: the seam commits the entry when the view returns, before a CSV body streams; an XLSX file is
    recorded when it is asked for, and only its asker can download it.)"""
    record_event("reporting.exported", actor=current_user, object_type="report", object_id=what,
                 after={"filters": _args(), "format": request.view_args.get("fmt")})


def _generated(kind: str, params: dict, filename: str):
    """XLSX exports are built by a worker (see ``app/reporting/downloads.py`` for the rule): the progress page."""
    row = ask_for_file(current_user, kind, params, filename)
    return redirect(url_for("downloads.show", file_id=row.id), 303)


@bp.get("/")
@role_required(*READERS)
def dashboard():
    form, scope = _filters()
    with_indicators = can_see_all_figures(current_user)
    placements_register = can_export_placements(current_user)
    args = _args()
    # The rendered figures are kept per selection (the scope holds a trainer's own courses), what the viewer may
    # see, language and time zone (``services.html_key``) and the exact arguments their links carry.
    key = services.html_key("dashboard-html", scope, with_indicators, placements_register, sorted(args.items()))
    computed_at, figures_html = services.cached_html(
        key, lambda: dashboard_figures_html(scope, with_indicators, placements_register, args),
        fresh=request.args.get("fresh") == "1")
    return render_template("reporting/dashboard.html", filters_html=_filters_html(form, scope),
                           computed_at=computed_at, figures_html=figures_html, args=args,
                           own_courses_only=scope.course_ids is not None)


def dashboard_figures_html(scope: Scope, with_indicators: bool, placements_register: bool, args: dict) -> str:
    """The dashboard's figures and tables, rendered (the part the cache keeps)."""
    figures = services.dashboard_figures(scope, with_indicators)
    tables = {dimension: (rows, services.group_labels(dimension)) for dimension, rows in figures.tables.items()}
    # Employers can be hundreds: the page shows those with the most trainees; the download holds them all.
    companies = figures.tables["company"]
    labels = tables["company"][1]
    shown = sorted(companies, key=lambda r: (-r.enrolled, str(r.key)))[:COMPANIES_SHOWN]
    tables["company"] = (sorted(shown, key=lambda r: str(labels.get(r.key, r.key)).casefold()), labels)
    indicators = services.indicator_table(figures.indicator_values) if with_indicators else []
    return render_template("reporting/_dashboard_figures.html", tables=tables, indicators=indicators,
                           totals=figures.totals, hosts=figures.hosts, args=args,
                           columns={d: services.breakdown_columns(d) for d in measures.DIMENSIONS},
                           dimension_headings=services.DIMENSION_HEADINGS, measure_labels=MEASURE_LABELS,
                           courses=_matrix_courses(scope), matrix_legend=services.matrix_legend(),
                           companies_total=len(companies), cooperation=figures.cooperation,
                           cooperation_label=cooperation_figures.label, people_url=url_for("reporting.people"),
                           can_export_placements=placements_register)


def _matrix_courses(scope: Scope) -> list[tuple[int, str]]:
    query = select(Course.id, Course.title).order_by(Course.id)
    if scope.course_ids is not None:
        query = query.where(Course.id.in_(sorted(scope.course_ids) or [-1]))
    if scope.specialisation_id:
        query = query.where(Course.specialisation_id == scope.specialisation_id)
    return [(course_id, pick(title)) for course_id, title in db.session.execute(query)]


@bp.get("/export/figures-<any(specialisation, country, company, region):dimension>.<any(csv, xlsx):fmt>")
@role_required(*READERS)
@writes  # records who exported what
def export_figures(dimension: str, fmt: str):
    _form, scope = _filters()
    _audit_export(f"figures-{dimension}")
    if fmt == "xlsx":
        return _generated("reporting.figures", {**scope_params(scope), "dimension": dimension},
                          f"mcc-{dimension}.xlsx")
    rows = services.breakdown_rows(measures.breakdown(scope, dimension), services.group_labels(dimension))
    return export_response(fmt, f"mcc-{dimension}", services.breakdown_columns(dimension), rows)


@bp.get("/export/indicators.<any(csv, xlsx):fmt>")
@role_required(Role.COORDINATOR)
def export_indicators(fmt: str):
    columns, rows = services.indicator_rows(services.indicator_table())
    return export_response(fmt, "mcc-indicators", columns, rows, title=_("Indicators"))


AT_RISK_PER_PAGE = 50


@bp.get("/at-risk")
@role_required(*READERS)
def at_risk():
    form, scope = _filters()
    page = max(1, min(request.args.get("page", 1, type=int), 10**6))
    args = _args()
    key = services.html_key("at-risk-html", scope, page, sorted(args.items()))
    computed_at, list_html = services.cached_html(key, lambda: at_risk_html(scope, page, args),
                                                  fresh=request.args.get("fresh") == "1")
    return render_template("reporting/at_risk.html", filters_html=_filters_html(form, scope), list_html=list_html,
                           args=args,
                           computed_at=computed_at)


def at_risk_html(scope: Scope, page: int, args: dict) -> str:
    """One page of the at-risk list, rendered (the part the cache keeps): the page's rows and the count, from SQL."""
    total, _people = risk.at_risk_counts(scope)
    pages = max(1, (total + AT_RISK_PER_PAGE - 1) // AT_RISK_PER_PAGE)
    people = risk.at_risk_page(scope, page, AT_RISK_PER_PAGE)  # past the last page: none (the same queries)
    return render_template("reporting/_at_risk_page.html", people=people, total=total, page=page, pages=pages,
                           args=args)


@bp.get("/export/at-risk.<any(csv, xlsx):fmt>")
@role_required(*READERS)
@writes  # records who exported what
def export_at_risk(fmt: str):
    _form, scope = _filters()
    _audit_export("at-risk")
    if fmt == "xlsx":
        return _generated("reporting.at_risk", scope_params(scope), "mcc-at-risk.xlsx")
    columns, rows = risk_table(risk.at_risk(scope))
    return export_response(fmt, "mcc-at-risk", columns, rows, title=_("At risk"))


FIGURE_LABELS = {"enrolled": _l("Enrolled"), "completed": _l("Completed"),
                 "placements": _l("Internships completed"), "cross_border": _l("Cross-border internships completed")}


@bp.get("/people")
@role_required(*READERS)
def people():
    form, scope = _filters()
    figure = request.args.get("figure", "enrolled")
    if figure not in measures.FIGURES:
        abort(404)
    page = paginate_rows(services.people_query(figure, scope), request.args.get("page", 1, type=int))
    args = _args()
    return render_template("reporting/people.html", form=form, page=page, figure=figure, args=args,
                           dashboard_args={k: v for k, v in args.items() if k != "figure"},
                           figure_label=FIGURE_LABELS[figure])


@bp.get("/export/people.<any(csv, xlsx):fmt>")
@role_required(*READERS)
@writes  # records who exported what
def export_people(fmt: str):
    _form, scope = _filters()
    figure = request.args.get("figure", "enrolled")
    if figure not in measures.FIGURES:
        abort(404)
    _audit_export(f"people-{figure}")
    if fmt == "xlsx":
        return _generated("reporting.people", {**scope_params(scope), "figure": figure},
                          f"mcc-trainees-{figure}.xlsx")
    personal = can_see_all_figures(current_user)
    return export_response(fmt, f"mcc-trainees-{figure}", services.people_columns(personal),
                           services.people_rows(services.people_query(figure, scope), personal), title=_("Trainees"))


@bp.get("/people/<int:user_id>")
@role_required(*READERS)
def person(user_id: int):
    user = load_or_403(User, user_id, can_see_person)
    record = trainee_record(user, report_course_ids(current_user))
    return render_template("reporting/person.html", person=user, record=record, employer=employer_text(user))


@bp.get("/export/attendance-<int:course_id>.<any(csv, xlsx):fmt>")
@role_required(*READERS)
@writes  # records who exported what
def export_attendance(course_id: int, fmt: str):
    course = load_or_403(Course, course_id, can_see_course_figures)
    _form, scope = _filters()
    _audit_export(f"attendance-{course.id}")
    if fmt == "xlsx":
        return _generated("reporting.attendance", {**scope_params(scope), "course": course.id},
                          f"mcc-attendance-{course.key}.xlsx")
    columns, rows = services.attendance_matrix(course, scope)
    return export_response(fmt, f"mcc-attendance-{course.key}", columns, rows(), title=_("Attendance"))


@bp.get("/export/placements.<any(csv, xlsx):fmt>")
@role_required(Role.COORDINATOR)
@writes  # records who exported what
def export_placements(fmt: str):
    _audit_export("placements")
    if fmt == "xlsx":
        return _generated("reporting.placements", {k: v for k, v in request.args.items() if k in PLACEMENT_ARGS},
                          "mcc-placements.xlsx")
    columns, rows = placement_register(request.args)
    return export_response(fmt, "mcc-placements", columns, rows, title=_("Placements"))


@bp.get("/summary.pdf")
@role_required(Role.COORDINATOR)
@writes  # records who exported what
def summary():
    form, scope = _filters()
    language = request.args.get("lang") if request.args.get("lang") in LANGUAGE_NAMES else current_user.language
    shown = [f"{field.label.text}: {dict(getattr(field, 'choices', None) or {}).get(field.data, field.data)}"
             for field in form if field.data]
    _audit_export("summary")
    pdf = summary_pdf(scope, language, "; ".join(str(s) for s in shown))
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": 'attachment; filename="mcc-summary.pdf"'})


# -- indicators ---------------------------------------------------------------------------------------------------
@bp.get("/indicators")
@role_required(Role.COORDINATOR)
def indicators():
    return render_template("reporting/indicators.html", indicators=services.indicator_table(),
                           measure_labels=MEASURE_LABELS)


@bp.route("/indicators/new", methods=["GET", "POST"])
@bp.route("/indicators/<int:indicator_id>", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def edit_indicator(indicator_id: int | None = None):
    indicator = load_or_404(Indicator, indicator_id) if indicator_id else None
    form = IndicatorForm(obj=indicator if request.method == "GET" and indicator else None)
    form.specialisation_id.choices = [(0, _("All specialisations")), *[
        (s.id, pick(s.title)) for s in db.session.scalars(select(Specialisation).order_by(Specialisation.position))]]
    if request.method == "GET" and indicator:
        fill_texts(form, "name", indicator.name)
        form.measure.data = indicator.measure.value
        form.specialisation_id.data = indicator.specialisation_id or 0
        form.country.data = indicator.country.value if indicator.country else ""
        form.gender.data = indicator.gender.value if indicator.gender else ""
    if form.validate_on_submit():
        with refusals(form):
            services.save_indicator(current_user, indicator, _indicator_data(form))
            flash(_("Indicator saved."), "success")
            return redirect(url_for("reporting.indicators"), 303)
    return form_page("reporting/indicator_form.html", form=form, indicator=indicator)


def _indicator_data(form: IndicatorForm) -> services.IndicatorData:
    return services.IndicatorData(
        code=form.code.data, name=texts_from(form, "name"), measure=Measure(form.measure.data),
        unit=form.unit.data, baseline=form.baseline.data, milestone_value=form.milestone_value.data,
        milestone_on=form.milestone_on.data, target_value=form.target_value.data,
        specialisation_id=form.specialisation_id.data or None,
        country=Country(form.country.data) if form.country.data else None,
        gender=Gender(form.gender.data) if form.gender.data else None, period_start=form.period_start.data,
        period_end=form.period_end.data, position=form.position.data or 0)
