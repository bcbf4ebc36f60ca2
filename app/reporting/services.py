"""Indicators (targets kept, actual values computed), report tables shared by the pages and their exports."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app, g, has_request_context
from flask_babel import (
    get_locale,
    get_timezone,
    gettext as _,
    lazy_gettext as _l,
    lazy_pgettext as _lp,
    to_user_timezone,
)
from markupsafe import Markup
from sqlalchemy import case, func, select

from app.accounts.models import Country, Gender, User
from app.catalogue.models import Course, Specialisation
from app.core.audit import record_event
from app.core.db import side_by_side, utcnow
from app.core.errors import DomainError
from app.core.exports import Column
from app.core.i18n import COUNTRY_LABELS, GENDER_LABELS
from app.core.permissions import Role
from app.core.translated import pick
from app.enrolment.models import Enrolment, EnrolmentStatus
from app.extensions import cache, db
from app.network.models import Company
from app.network.regions import region_choices
from app.reporting import measures
from app.reporting.measures import Scope
from app.reporting.models import Indicator, Measure
from app.reporting.policies import can_set_indicators
from app.training.membership import with_meetings
from app.training.models import ATTENDED, Attendance, AttendanceStatus, MeetingStatus, TrainingSession

log = logging.getLogger(__name__)
PERCENT_MEASURES = {Measure.ATTENDANCE_RATE}
PERCENT_MEASURES |= {Measure.COOPERATION_CROSS_BORDER_SHARE}  # a share of matched requests, shown as a percentage
#: Units people usually pick, shown in the viewer's language; any other unit is shown as typed.
UNIT_LABELS = {"persons": _l("persons"), "meetings": _l("meetings"), "hours": _l("hours"),
               "placements": _l("placements"), "%": "%"}


def unit_label(unit: str) -> str:
    return str(UNIT_LABELS.get(unit, unit))


# -- indicators --------------------------------------------------------------------------------------------------
@dataclass
class IndicatorData:
    code: str
    name: dict
    measure: Measure
    unit: str
    baseline: float
    milestone_value: float | None
    milestone_on: date | None
    target_value: float
    specialisation_id: int | None
    country: Country | None
    gender: Gender | None
    period_start: date | None
    period_end: date | None
    position: int = 0


def save_indicator(actor: User, indicator: Indicator | None, data: IndicatorData) -> Indicator:
    if not can_set_indicators(actor):
        raise DomainError(_l("Only coordinators set the project's indicators."))
    if not any(v and v.strip() for v in data.name.values()):
        raise DomainError(_l("Give the indicator a name."), field="name_en")
    if data.period_start and data.period_end and data.period_end < data.period_start:
        raise DomainError(_l("The end must be after the start."), field="period_end")
    if (data.milestone_value is None) != (data.milestone_on is None):
        raise DomainError(_l("A milestone needs both a value and a date."), field="milestone_on")
    if data.measure in PERCENT_MEASURES and data.target_value > 100:
        raise DomainError(_l("A rate is a percentage: at most 100."), field="target_value")
    duplicate = db.session.scalar(select(Indicator.id).where(Indicator.code == data.code.strip()))
    if duplicate is not None and (indicator is None or duplicate != indicator.id):
        raise DomainError(_l("Another indicator has this code."), field="code")
    before = _snapshot(indicator) if indicator else None
    indicator = indicator or Indicator()
    for name, value in vars(data).items():
        setattr(indicator, name, value)
    indicator.code = data.code.strip()
    indicator.name = {k: v.strip() for k, v in data.name.items() if v and v.strip()}
    db.session.add(indicator)
    db.session.flush()
    record_event("reporting.indicator_saved", actor=actor, obj=indicator, before=before, after=_snapshot(indicator))
    return indicator


def _snapshot(indicator: Indicator) -> dict:
    return {"code": indicator.code, "measure": indicator.measure, "target": indicator.target_value,
            "milestone": indicator.milestone_value, "baseline": indicator.baseline}


@dataclass
class IndicatorStatus:
    indicator: Indicator
    achieved: float | None
    milestone_share: float | None
    target_share: float | None


def indicator_scope(indicator: Indicator) -> Scope:
    return Scope(start=indicator.period_start, end=indicator.period_end,
                 specialisation_id=indicator.specialisation_id, country=indicator.country, gender=indicator.gender)


def indicator_table(values: dict[int, float | None] | None = None, only=()) -> list[IndicatorStatus]:
    """Every indicator (or those matching the conditions ``only``) with its live value (a couple of queries per
    indicator; indicators are few), or with the ``values`` computed a moment ago (the dashboard's cache)."""
    statuses = []
    for indicator in db.session.scalars(select(Indicator).where(*only).order_by(Indicator.position, Indicator.code)):
        value = values[indicator.id] if values is not None and indicator.id in values else indicator_value(indicator)
        statuses.append(IndicatorStatus(indicator, value, _share(value, indicator.milestone_value),
                                        _share(value, indicator.target_value)))
    return statuses


def indicator_value(indicator: Indicator) -> float | None:
    """The indicator's live value (a percentage for rates)."""
    return _shown(indicator.measure, measures.value_of(indicator.measure, indicator_scope(indicator)))


def _shown(measure: Measure, value: float | None) -> float | None:
    return round(value * 100, 1) if value is not None and measure in PERCENT_MEASURES else value


#: The measures a breakdown row of the dashboard holds: (its people or meeting figures, the measure's value).
FROM_BREAKDOWNS = {
    Measure.TRAINEES_ENROLLED: lambda rows: sum(r.enrolled for r in rows),
    Measure.TRAINEES_COMPLETED: lambda rows: sum(r.completed for r in rows),
    Measure.ATTENDANCE_RATE: lambda rows: measures.rate(sum(r.expected for r in rows), sum(r.attended for r in rows),
                                                        sum(r.excused for r in rows)),
}


def _dashboard_indicators(scope: Scope) -> tuple[dict[int, float | None], dict[int, tuple]]:
    """The indicators' values for the dashboard of ``scope``, but for those its own breakdowns answer: those are
    named (indicator id → measure, dimension, key; ``_from_breakdowns`` reads them once the breakdowns are in),
    and their queries are not run twice. A breakdown answers an indicator when the dashboard shows everything, the
    indicator narrows by at most a specialisation or a country, and its period leaves out nothing that measure
    counts (the project period usually spans all the data)."""
    values, answered, within = {}, {}, {}
    everything = scope == Scope()
    for indicator in db.session.scalars(select(Indicator)):
        found = None
        if everything and indicator.measure in FROM_BREAKDOWNS and indicator.gender is None \
                and not (indicator.specialisation_id and indicator.country):
            period = (indicator.period_start, indicator.period_end)
            if indicator.measure == Measure.ATTENDANCE_RATE:
                # Meeting figures come from the summaries, which ignore the period when they cover it.
                covered = measures.summaries_cover(indicator_scope(indicator))
            else:
                if period not in within:
                    within[period] = measures.enrolments_within(*period)
                covered = within[period][indicator.measure == Measure.TRAINEES_COMPLETED]
            if covered:
                found = ("specialisation", indicator.specialisation_id) if indicator.specialisation_id else \
                    ("country", indicator.country.value) if indicator.country else (None, None)
        if found:
            answered[indicator.id] = (indicator.measure, *found)
        else:
            values[indicator.id] = indicator_value(indicator)
    return values, answered


def _from_breakdowns(tables: dict[str, list[measures.Row]], measure: Measure, dimension: str | None,
                     key) -> float | None:
    # Everyone has one country: the per-country rows add up to everything.
    rows = tables["country"] if dimension is None else [row for row in tables[dimension] if row.key == key]
    return _shown(measure, FROM_BREAKDOWNS[measure](rows))


def _share(value, goal) -> float | None:
    return value / goal if value is not None and goal else None


def indicator_rows(statuses: list[IndicatorStatus]) -> tuple[list[Column], Iterator[tuple]]:
    """The layout of the programme's monitoring system: indicator, unit, baseline, milestone, target, achieved,
    period."""
    columns = [Column("code", _("Code")), Column("indicator", _("Indicator")), Column("unit", _("Unit")),
               Column("baseline", _("Baseline"), "float"), Column("milestone", _("Milestone"), "float"),
               Column("milestone_on", _("Milestone date"), "date"), Column("target", _("Target"), "float"),
               Column("achieved", _("Achieved"), "float"), Column("share", _("Achieved of target"), "percent"),
               Column("period_start", _("Period from"), "date"), Column("period_end", _("Period to"), "date")]
    rows = ((s.indicator.code, pick(s.indicator.name), unit_label(s.indicator.unit), s.indicator.baseline,
             s.indicator.milestone_value, s.indicator.milestone_on, s.indicator.target_value, s.achieved,
             s.target_share, s.indicator.period_start, s.indicator.period_end) for s in statuses)
    return columns, rows


# -- breakdown tables ----------------------------------------------------------------------------------------------
def group_labels(dimension: str) -> dict:
    if dimension == "specialisation":
        return {s.id: pick(s.title) for s in db.session.scalars(select(Specialisation))}
    if dimension == "country":
        return {k: str(v) for k, v in COUNTRY_LABELS.items()}
    if dimension == "region":
        return {**{code: name for code, name in region_choices()},
                "": _("(employer not in the directory or without a region)")}
    return company_labels()


def company_labels(course_ids: frozenset[int] | None = None) -> dict[str, str]:
    """Employer key (``measures.company_key``) → what the reports show: the member's name, or the name as written
    marked "not in the directory". Two queries (once per request: the filter form and the tables both need them);
    with ``course_ids``, only employers of those courses' people."""
    if not has_request_context():
        return _company_labels(course_ids)
    known = g.setdefault("reporting_company_labels", {})
    if course_ids not in known:
        # Pages read them from the shared cache like the figures they label (a name typed a minute ago joins the
        # filter when the figures are next computed); exports, built by workers, always read them afresh.
        key = f"reporting:company-labels:{get_locale()}:" + hashlib.sha256(
            repr(tuple(sorted(course_ids)) if course_ids is not None else None).encode()).hexdigest()[:32]
        known[course_ids] = cached(key, lambda: _company_labels(course_ids))
    return known[course_ids]


def _company_labels(course_ids: frozenset[int] | None) -> dict[str, str]:
    people = select(User.employer_id, User.company_name).where(User.role == Role.TRAINEE)
    if course_ids is not None:
        people = people.where(User.id.in_(select(Enrolment.user_id).where(
            Enrolment.course_id.in_(sorted(course_ids) or [-1]))))
    members = {f"{measures.MEMBER_KEY}{i}": name for i, name in db.session.execute(
        select(Company.id, Company.name).where(Company.id.in_(people.with_only_columns(User.employer_id)
                                                               .where(User.employer_id.is_not(None)))))}
    marked = _("%(name)s (not in the directory)")  # translated once, filled per name (they are hundreds)
    others = {f"{measures.OTHER_KEY}{name}": marked % {"name": name}
              for name in db.session.scalars(people.with_only_columns(User.company_name).where(
                  User.employer_id.is_(None), User.company_name.is_not(None)).distinct())}
    labels = {**members, **others, measures.OTHER_KEY: _("(no company given)")}
    return dict(sorted(labels.items(), key=lambda c: c[1].casefold()))  # in the filter's order, sorted once


DIMENSION_LABELS = {"specialisation": _l("Specialisation"), "country": _l("Trainee's country"),
                    "company": _l("Trainee's company"), "region": _l("Region of the trainee's company")}
DIMENSION_HEADINGS = {"specialisation": _l("By specialisation"), "country": _l("By trainee's country"),
                      "company": _l("By trainee's company"), "region": _l("By region of the trainee's company")}


def breakdown_columns(dimension: str) -> list[Column]:
    return [Column("group", str(DIMENSION_LABELS[dimension])), Column("enrolled", _("Enrolled"), "int"),
            Column("completed", _("Completed"), "int"), Column("completion", _("Completion rate"), "percent"),
            Column("attendance", _("Attendance rate"), "percent"),
            Column("planned", _("Internships planned"), "int"), Column("ongoing", _("Internships ongoing"), "int"),
            Column("placed", _("Internships completed"), "int"),
            Column("cross_border", _("Cross-border internships completed"), "int")]


def breakdown_rows(rows: list[measures.Row], labels: dict) -> Iterator[tuple]:
    for row in rows:
        yield (labels.get(row.key, row.key), row.enrolled, row.completed, row.completion_rate, row.attendance_rate,
               row.placements_planned, row.placements_ongoing, row.placements_completed, row.cross_border_completed)


# -- people --------------------------------------------------------------------------------------------------------
#: What a trainer's list of people leaves out: they teach these people, the coordinators keep their contacts and the
#: funder's statistics (e-mail and gender); both see name, country, employer and course figures.
COORDINATOR_ONLY = ("email", "gender")


def people_columns(personal: bool) -> list[Column]:
    columns = [Column("name", _("Name")), Column("email", _("E-mail")), Column("country", _("Country")),
               Column("gender", _("Gender")), Column("company", _("Company")),
               Column("courses", _("Courses enrolled"), "int"), Column("completed", _("Courses completed"), "int"),
               Column("since", _("Enrolled since"), "date")]
    return [c for c in columns if personal or c.key not in COORDINATOR_ONLY]


def people_query(figure: str, scope: Scope):
    """The people behind a figure with their course counts, in one query (pages and exports)."""
    people = measures.people_behind(figure, scope).subquery()
    enrolled = Enrolment.status == EnrolmentStatus.ENROLLED
    if scope.course_ids is not None:  # a trainer counts only their own courses
        enrolled = enrolled & Enrolment.course_id.in_(sorted(scope.course_ids) or [-1])
    employer = func.coalesce(measures.Employer.name, people.c.company_name)
    return (select(people.c.id, people.c.full_name, people.c.email, people.c.country, people.c.gender,
                   employer,
                   func.count(case((enrolled, Enrolment.id))),
                   func.count(case((enrolled & Enrolment.completed_at.is_not(None), Enrolment.id))),
                   func.min(Enrolment.created_at))
            .select_from(people).outerjoin(Enrolment, Enrolment.user_id == people.c.id)
            .outerjoin(measures.Employer, measures.Employer.id == people.c.employer_id)
            .group_by(people.c.id, people.c.full_name, people.c.email, people.c.country, people.c.gender,
                      people.c.company_name, measures.Employer.name)
            .order_by(people.c.full_name, people.c.id))


def people_rows(query, personal: bool) -> Iterator[tuple]:
    # The viewer's zone is read now: a streamed CSV writes its rows after the seam has committed.
    return _people_rows(query, personal, get_timezone())


def _people_rows(query, personal: bool, zone) -> Iterator[tuple]:
    for _id, name, email, country, gender, company, courses, completed, since in \
            db.session.execute(query.execution_options(yield_per=1000)):
        country_label = str(COUNTRY_LABELS.get(country.value, country.value))
        since_day = local_day(since, zone)
        if personal:
            yield (name, email, country_label, str(GENDER_LABELS[gender.value]) if gender else "", company or "",
                   courses, completed, since_day)
        else:
            yield name, country_label, company or "", courses, completed, since_day


# -- attendance matrix ------------------------------------------------------------------------------------------
#: One letter per status, in the reader's language (Polish O/S/U/N, Lithuanian D/V/P/N, English P/L/E/A).
STATUS_LETTERS = {AttendanceStatus.PRESENT: _lp("attendance code", "P"),
                  AttendanceStatus.LATE: _lp("attendance code", "L"),
                  AttendanceStatus.EXCUSED: _lp("attendance code", "E"),
                  AttendanceStatus.ABSENT: _lp("attendance code", "A")}
#: The cell of a meeting held before the person was enrolled: not theirs, not counted (``training.membership``).
NOT_ENROLLED = "–"
MATRIX_LEGEND = ((STATUS_LETTERS[AttendanceStatus.PRESENT], _l("present")),
                 (STATUS_LETTERS[AttendanceStatus.LATE], _l("late")),
                 (STATUS_LETTERS[AttendanceStatus.EXCUSED], _l("excused (not counted)")),
                 (STATUS_LETTERS[AttendanceStatus.ABSENT], _l("absent or not recorded")),
                 (NOT_ENROLLED, _l("not enrolled yet: held before the person joined the course (not counted)")))


def matrix_legend() -> list[tuple[str, str]]:
    """What each cell code of the attendance matrix means, in the reader's language (the page and the XLSX)."""
    return [(str(code), str(meaning)) for code, meaning in MATRIX_LEGEND]


def local_day(moment: datetime | None, zone=None) -> date | None:
    """The day of a stored (UTC) moment on the viewer's clock (a worker's export: the asker's), as exports show
    dates: a meeting at 00:30 in Warsaw is on that day, not on the day before."""
    if moment is None:
        return None
    return moment.astimezone(zone).date() if zone is not None else to_user_timezone(moment).date()


def attendance_matrix(course: Course, scope: Scope):
    """Trainee × held meeting: P(resent), L(ate), E(xcused), A(bsent) in the reader's language's letters, or –
    where the meeting was held before the person was enrolled, with each person's rate over the meetings that are
    theirs. Four queries."""
    meetings = list(db.session.execute(
        select(TrainingSession.id, TrainingSession.starts_at, TrainingSession.title)
        .where(TrainingSession.course_id == course.id, TrainingSession.status == MeetingStatus.SCHEDULED,
               TrainingSession.starts_at <= utcnow(), measures.in_period(TrainingSession.starts_at, scope))
        .order_by(TrainingSession.starts_at)))
    people = list(db.session.execute(measures.with_employer(measures.enrolments(
        scope, measures.Person.id, measures.Person.full_name, measures.employer_name()))
        .where(Enrolment.course_id == course.id).order_by(measures.Person.full_name, measures.Person.id)))
    ids = [m.id for m in meetings] or [-1]
    theirs = set(db.session.execute(with_meetings(select(Enrolment.user_id, TrainingSession.id)
                                                  .select_from(Enrolment), Enrolment.course_id == course.id)
                                    .where(Enrolment.course_id == course.id, TrainingSession.id.in_(ids))).all())
    letters = {status: str(letter) for status, letter in STATUS_LETTERS.items()}
    marks = {(a, b): c for a, b, c in db.session.execute(select(
        Attendance.user_id, Attendance.session_id, Attendance.status).where(Attendance.session_id.in_(ids)))}
    columns = [Column("name", _("Name")), Column("company", _("Company")),
               *[Column(f"m{m.id}", f"{local_day(m.starts_at).isoformat()} {pick(m.title, course.source_language)}")
                 for m in meetings],
               Column("rate", _("Attendance rate"), "percent")]

    def rows():
        for user_id, name, company in people:
            cells, statuses = [], []
            for m in meetings:
                if (user_id, m.id) not in theirs:
                    cells.append(NOT_ENROLLED)
                    continue
                statuses.append(marks.get((user_id, m.id)))
                cells.append(letters.get(statuses[-1], letters[AttendanceStatus.ABSENT]))
            rate = measures.rate(len(statuses), sum(1 for s in statuses if s in ATTENDED),
                                 sum(1 for s in statuses if s == AttendanceStatus.EXCUSED))
            yield (name, company or "", *cells, rate)

    return columns, rows


# -- the dashboard's figures, cached for a short while --------------------------------------------------------
@dataclass
class DashboardFigures:
    computed_at: datetime
    totals: dict
    tables: dict[str, list[measures.Row]]
    hosts: list[tuple]
    indicator_values: dict[int, float | None]
    cooperation: list = field(default_factory=list)  # app.cooperation.figures.Figures per country, total last


def cached(key: str, compute, seconds: int | None = None):
    """The cached value of ``key``, else ``compute()`` (stored for ``REPORT_CACHE_SECONDS``). The cache only saves
    work: when it is unreachable the figures are computed as if it were empty."""
    try:
        value = cache.get(key)
    except Exception:
        log.warning("report cache unreachable; computing %s", key, exc_info=True)
        value = None
    if value is None:
        value = compute()
        try:
            cache.set(key, value, timeout=seconds or current_app.config["REPORT_CACHE_SECONDS"])
        except Exception:
            log.warning("report cache unreachable; not storing %s", key)
    return value


def cache_key(kind: str, scope: Scope, *extra) -> str:
    parts = (scope.start, scope.end, scope.specialisation_id, scope.country, scope.company, scope.region, scope.gender,
             tuple(sorted(scope.course_ids)) if scope.course_ids is not None else None, *extra)
    return f"reporting:{kind}:" + hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def dashboard_figures(scope: Scope, with_indicators: bool) -> DashboardFigures:
    """Totals, breakdowns, host firms and indicator values for the dashboard: a handful of grouped reads over the
    per-enrolment summaries (``app.reporting.summaries``), meetings, placements and indicators. The page keeps
    what it renders from them in the cache (``cached_html``); exports never use the cache. The breakdowns (the
    longest read) and the other figures are independent: they are read side by side (``core.db.side_by_side``),
    and indicators the breakdowns answer are taken from them."""
    tables, (totals, hosts, cooperation, (indicator_values, answered)) = side_by_side(
        lambda: measures.breakdowns(scope), lambda: _other_figures(scope, with_indicators))
    indicator_values.update({indicator_id: _from_breakdowns(tables, *where)
                             for indicator_id, where in answered.items()})
    # Everyone has one country: the per-country rows add up to the totals (people and meeting pairs alike).
    by_country = tables["country"]
    return DashboardFigures(
        computed_at=utcnow(),
        totals={"enrolled": sum(r.enrolled for r in by_country), "completed": sum(r.completed for r in by_country),
                "attendance": FROM_BREAKDOWNS[Measure.ATTENDANCE_RATE](by_country), **totals},
        tables=tables, hosts=hosts, cooperation=cooperation, indicator_values=indicator_values)


def _other_figures(scope: Scope, with_indicators: bool) -> tuple[dict, list, list, tuple[dict, dict]]:
    """The dashboard's totals that are not sums of its breakdowns, the host firms, the cooperation figures and
    the indicators' values (``_dashboard_indicators``)."""
    totals = {"meetings": measures.meetings_held(scope),
              "placements": measures.placements_completed(scope),
              "cross_border": measures.placements_completed(scope, only_cross_border=True),
              "cooperations": measures.cross_border_cooperations(scope),
              "event_participants": measures.event_participants(scope),
              # firms per country: the firm's country (the trainee-country filter does not narrow firms)
              **{f"firms_{c.value}": measures.firms_involved(scope.narrowed(country=c))
                 for c in (Country.PL, Country.LT)}}
    return (totals, measures.placements_by_host(scope),
            # cooperation between members: coordinators only (firms' figures, not a trainer's courses)
            measures.cooperation_by_country(scope) if with_indicators else [],
            _dashboard_indicators(scope) if with_indicators else ({}, {}))


def cached_html(key: str, render, fresh: bool = False, seconds: int | None = None) -> tuple[datetime, Markup]:
    """``(when computed, HTML)`` of a rendered part of a report page: from the cache, else ``render()`` now and
    kept for ``REPORT_CACHE_SECONDS``. The key must name everything the HTML depends on (selection, the viewer's
    reach, language, page)."""
    if fresh:
        cache_delete(key)
    computed_at, html = cached(key, lambda: (utcnow(), str(render())), seconds)
    return computed_at, Markup(html)  # noqa: S704  (our own templates rendered it, escaped)


def html_key(kind: str, scope: Scope, *extra) -> str:
    """A cache key for rendered HTML: the selection (a trainer's own courses included), the viewer's language and
    time zone, and ``extra`` (the page, what the viewer may see)."""
    return cache_key(kind, scope, str(get_locale()), str(get_timezone()), *extra)


def cache_delete(key: str) -> None:
    try:
        cache.delete(key)
    except Exception:
        log.warning("report cache unreachable; could not drop %s", key)
