"""Report exports built by a worker, and the report figures kept warm.

The rule for exports: **XLSX files of lists that grow with the number of people** (the people behind a figure, the
breakdowns by specialisation/country/company, a course's attendance matrix, the at-risk list, the placement
register) are built by a worker (``app.downloads``): openpyxl must write the whole workbook before its first byte
leaves, which at 10,000 trainees takes longer than a request should. **CSV exports stay streamed in the request**:
their first line leaves at once and each row is written as it is read, in constant memory, so their cost is the
one query. The indicator table (one row per indicator) and the PDF summary stay in the request in every format.

The request checks the policy, records the audit entry (who asked for what, with which filters) and asks for the
file; the worker checks the asker's permission again and builds it with the scope that person has *then* (a
trainer's own courses), in their language.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterable
from datetime import date
from typing import BinaryIO

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import Country, User
from app.catalogue.models import Course, Specialisation
from app.core.db import reading_only, utcnow
from app.core.exports import Column, Legend, xlsx_file
from app.core.translated import pick
from app.downloads.services import NotBuildable, Progress, builder
from app.extensions import cache, db
from app.jobs.outbox import handler
from app.jobs.schedule import every
from app.reporting import measures, risk, services
from app.reporting.forms import ReportFilterForm
from app.reporting.measures import Scope
from app.reporting.policies import (
    can_export_placements,
    can_see_all_figures,
    can_see_course_figures,
    can_see_reports,
    report_course_ids,
)
from app.reporting.record import placement_register

log = logging.getLogger(__name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The placement register's own filters (see ``record.placement_register``).
PLACEMENT_ARGS = ("status", "pair", "company", "specialisation")


# -- the filters of every report page, for the page and for the worker ---------------------------------------------
def report_filters(args, user: User) -> tuple[ReportFilterForm, Scope]:
    """The filter form filled from ``args`` and the scope it gives ``user`` (a trainer: their own courses)."""
    form = ReportFilterForm(args)
    specialisations = list(db.session.scalars(select(Specialisation).order_by(Specialisation.position)))
    form.specialisation.choices = [("", _("All specialisations")), *[(str(s.id), pick(s.title))
                                                                     for s in specialisations]]
    course_ids = report_course_ids(user)
    # The employers: members of the directory by name, names not in it marked so (keys: measures.company_key).
    companies = services.company_labels(course_ids)
    form.company.choices = [("", _("All companies")), *companies.items()]  # sorted by label already
    scope = Scope(course_ids=course_ids)
    if form.validate():
        scope = scope.narrowed(start=form.start.data, end=form.end.data,
                               specialisation_id=int(form.specialisation.data) if form.specialisation.data else None,
                               country=Country(form.country.data) if form.country.data else None,
                               company=form.company.data or None, region=form.region.data or None)
    return form, scope


def scope_params(scope: Scope) -> dict:
    """The filters of ``scope`` as a generated file's parameters (the courses are the asker's, decided when built)."""
    return {"start": scope.start.isoformat() if scope.start else None,
            "end": scope.end.isoformat() if scope.end else None, "specialisation_id": scope.specialisation_id,
            "country": scope.country.value if scope.country else None, "company": scope.company,
            "region": scope.region}


def scope_from(params: dict, user: User) -> Scope:
    return Scope(course_ids=report_course_ids(user),
                 start=date.fromisoformat(params["start"]) if params.get("start") else None,
                 end=date.fromisoformat(params["end"]) if params.get("end") else None,
                 specialisation_id=params.get("specialisation_id"),
                 country=Country(params["country"]) if params.get("country") else None,
                 company=params.get("company"), region=params.get("region"))


# -- the builders ------------------------------------------------------------------------------------------------
def write_xlsx(out: BinaryIO, columns: list[Column], rows: list[tuple], progress: Progress, title: str,
               legend: Legend | None = None) -> None:
    """The workbook into ``out``; ``rows`` are already read (progress commits would close a streaming cursor)."""
    progress(30)
    with xlsx_file(columns, progress.over(rows, 30, 90), title, legend) as workbook:
        shutil.copyfileobj(workbook, out)


def _reports(user: User, params: dict) -> bool:
    return can_see_reports(user)


@builder("reporting.people", XLSX, may_build=_reports)
def _people(params: dict, asker: User, out: BinaryIO, progress: Progress) -> None:
    personal = can_see_all_figures(asker)
    query = services.people_query(params["figure"], scope_from(params, asker))
    write_xlsx(out, services.people_columns(personal), list(services.people_rows(query, personal)), progress,
               _("Trainees"))


@builder("reporting.figures", XLSX, may_build=_reports)
def _figures(params: dict, asker: User, out: BinaryIO, progress: Progress) -> None:
    dimension = params["dimension"]
    rows = list(services.breakdown_rows(measures.breakdown(scope_from(params, asker), dimension),
                                        services.group_labels(dimension)))
    write_xlsx(out, services.breakdown_columns(dimension), rows, progress, "MCC")


@builder("reporting.at_risk", XLSX, may_build=_reports)
def _at_risk(params: dict, asker: User, out: BinaryIO, progress: Progress) -> None:
    columns, rows = risk_table(risk.at_risk(scope_from(params, asker)))
    write_xlsx(out, columns, list(rows), progress, _("At risk"))


def _course_figures(user: User, params: dict) -> bool:
    course = db.session.get(Course, params.get("course"))
    return course is not None and can_see_course_figures(user, course)


@builder("reporting.attendance", XLSX, may_build=_course_figures)
def _attendance(params: dict, asker: User, out: BinaryIO, progress: Progress) -> None:
    course = db.session.get(Course, params["course"])
    if course is None:
        raise NotBuildable(f"course {params['course']} is gone")
    columns, rows = services.attendance_matrix(course, scope_from(params, asker))
    write_xlsx(out, columns, list(rows()), progress, _("Attendance"), legend=(_("Legend"), services.matrix_legend()))


@builder("reporting.placements", XLSX, may_build=lambda user, params: can_export_placements(user))
def _placements(params: dict, asker: User, out: BinaryIO, progress: Progress) -> None:
    columns, rows = placement_register(params)
    write_xlsx(out, columns, list(rows), progress, _("Placements"))


def risk_table(people: list[risk.AtRisk]) -> tuple[list[Column], Iterable[tuple]]:
    """The at-risk list as a table (the CSV in the request, the XLSX in a worker)."""
    from app.core.i18n import COUNTRY_LABELS

    columns = [Column("name", _("Name")), Column("email", _("E-mail")), Column("country", _("Country")),
               Column("company", _("Company")), Column("course", _("Course")),
               Column("last_activity", _("Last activity (UTC)"), "datetime"), Column("reasons", _("Why"))]
    rows = ((p.full_name, p.email or "", str(COUNTRY_LABELS[p.country]), p.company or "", pick(p.course_title),
             p.last_activity, "; ".join(p.reason_texts())) for p in people)
    return columns, rows


# -- the figures kept warm ---------------------------------------------------------------------------------------
#: The upkeep recomputes the project-wide figures this often and keeps them a minute longer, so the coordinators'
#: dashboard and at-risk list (unfiltered) never wait for them; they show when they were computed and can be
#: recomputed on the spot. (Filtered views and trainers' own courses are computed when first looked at.)
REFRESH_MINUTES = 5


def refresh_figures() -> int:
    """Recompute the home page's project-wide figures (headline indicators, how many at risk) into the shared
    cache. (The dashboard and the at-risk list keep their rendered pages themselves: computing them cold is a
    handful of grouped reads over the per-enrolment summaries.)"""
    from app.reporting import home

    keep_for = max(current_app.config["REPORT_CACHE_SECONDS"], (REFRESH_MINUTES + 1) * 60)
    scope = Scope()
    _store(services.cache_key("home-indicators", scope),
           {status.indicator.id: status.achieved for status in services.indicator_table(only=home.HEADLINE)},
           keep_for)
    _store(services.cache_key("home-at-risk", scope), (utcnow(), risk.at_risk_counts(scope)), keep_for)
    return 2


def _store(key: str, value, seconds: int) -> None:
    try:
        cache.set(key, value, timeout=seconds)
    except Exception:
        log.warning("report cache unreachable; not storing %s", key)


@handler("reporting.refresh_figures", attempts=2)
def _refresh_figures(payload: dict) -> None:
    with reading_only():  # it only reads: SQLite's write lock is not held while the figures are computed
        refresh_figures()


# Worth it with a shared cache (MCC_CACHE_URL); with the per-process default it only warms the worker's own copy.
every("reporting.refresh_figures", "reporting.refresh_figures", minute=f"*/{REFRESH_MINUTES}")
