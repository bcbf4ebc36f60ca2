"""Figures computed live from the data, each in a fixed number of SQL queries whatever the number of trainees.

Counting rules (what the funder counts, decided here once):
- People are counted once per figure (``COUNT(DISTINCT user)``), however many courses, meetings or placements.
- "Enrolled" and "completed" count currently enrolled people: a withdrawn enrolment does not count (a person who
  withdrew from one course but stays in another still counts through the other). Completion is
  ``Enrolment.completed_at``, kept by ``app.learning.completion``.
- Attendance rate = attended (present or late) / (expected − excused), where expected is every enrolled person ×
  every held meeting of their course (started, not cancelled) that they belong to: held while they were enrolled
  (``app.training.membership``; meetings before a person joined are not theirs). Missing records count as absent;
  excused absences are neither credited nor penalised. Meeting hours count the same pairs.
- Placements count people with a *completed* placement (cancelled ones never count); cross-border when the
  trainee's country differs from the host firm's.
- Trainee hours = hours of meetings attended + confirmed internship logbook hours.
- Period bounds are calendar days in UTC; enrolments count by when they were made, completions by when they
  happened, meetings by their start, placements by their end, logbook hours by their day.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import (
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    distinct,
    exists,
    func,
    literal,
    or_,
    select,
    union_all,
)

from app.accounts.models import Country, Gender, User
from app.catalogue.models import Course
from app.certificates.models import Certificate
from app.core.db import side_by_side, utcnow
from app.enrolment.models import Enrolment, EnrolmentStatus
from app.events.models import Event
from app.extensions import db
from app.network.models import Company
from app.placements.models import EntryStatus, LogbookEntry, Placement, PlacementStatus
from app.reporting import summaries
from app.reporting.models import EnrolmentSummary as Summary, Measure
from app.training.membership import with_meetings
from app.training.models import ATTENDED, Attendance, AttendanceStatus, MeetingStatus, TrainingSession

Person = db.aliased(User, name="person")
_hours = summaries.hours_between  # hours between two timestamp columns, in the database's own arithmetic
#: The trainee's employer (a member of the network), as opposed to ``Company``, the host firm of a placement.
Employer = db.aliased(Company, name="employer")
#: Another copy of the employer table for subqueries inside queries that already join ``Company`` (the host) or
#: ``Employer`` (they would otherwise correlate to those).
EmployerRow = db.aliased(Company, name="employer_row")
#: Prefixes of the employer keys (``company_key``): a member of the directory by id, or a name not in it.
MEMBER_KEY, OTHER_KEY = "m", "o:"


def company_key(person=Person):
    """The employer a figure is grouped and filtered by: ``m<member id>`` for a member of the directory (however
    people spelled it before a coordinator matched it), ``o:<name as written>`` for an employer not in the
    directory, ``o:`` when none was given."""
    return case((person.employer_id.is_not(None), literal(MEMBER_KEY, String) + cast(person.employer_id, String)),
                else_=literal(OTHER_KEY, String) + func.coalesce(person.company_name, literal("", String)))


def employer_name(person=Person):
    """The employer's name for lists of people: the member's name, else the name as written (needs the outer join
    ``with_employer``)."""
    return func.coalesce(Employer.name, person.company_name)


def with_employer(query: Select, person=Person) -> Select:
    return query.outerjoin(Employer, Employer.id == person.employer_id)


@dataclass(frozen=True)
class Scope:
    """What a figure covers. Empty fields mean "all"."""

    start: date | None = None
    end: date | None = None
    specialisation_id: int | None = None
    country: Country | None = None  # the trainee's country
    company: str | None = None  # the trainee's employer: a ``company_key``
    region: str | None = None  # the region of the trainee's employer (a member of the directory)
    gender: Gender | None = None
    course_ids: frozenset[int] | None = None  # a trainer sees their own courses only

    def narrowed(self, **changes) -> Scope:
        return replace(self, **changes)


def _bounds(scope: Scope) -> tuple[datetime | None, datetime | None]:
    start = datetime.combine(scope.start, time.min, UTC) if scope.start else None
    end = datetime.combine(scope.end + timedelta(days=1), time.min, UTC) if scope.end else None
    return start, end


def in_period(column, scope: Scope, *, days: bool = False):
    conditions = []
    if days:
        if scope.start:
            conditions.append(column >= scope.start)
        if scope.end:
            conditions.append(column <= scope.end)
    else:
        start, end = _bounds(scope)
        if start:
            conditions.append(column >= start)
        if end:
            conditions.append(column < end)
    return and_(True, *conditions)


def _people_filter(scope: Scope):
    conditions = []
    if scope.country:
        conditions.append(Person.country == scope.country)
    if scope.gender:
        conditions.append(Person.gender == scope.gender)
    if scope.company:
        conditions.append(company_key(Person) == scope.company)
    if scope.region:
        conditions.append(Person.employer_id.in_(select(EmployerRow.id).where(EmployerRow.region == scope.region)))
    return and_(True, *conditions)


def _course_filter(scope: Scope, specialisation_column=Course.specialisation_id, course_column=Course.id):
    conditions = []
    if scope.specialisation_id:
        conditions.append(specialisation_column == scope.specialisation_id)
    if scope.course_ids is not None:
        conditions.append(course_column.in_(sorted(scope.course_ids) or [-1]))
    return and_(True, *conditions)


def enrolments(scope: Scope, *columns) -> Select:
    """Current enrolments (status enrolled) in scope, joined to their course and person."""
    return (select(*columns).select_from(Enrolment).join(Course, Course.id == Enrolment.course_id)
            .join(Person, Person.id == Enrolment.user_id)
            .where(Enrolment.status == EnrolmentStatus.ENROLLED, _course_filter(scope), _people_filter(scope)))


def held_meeting_pairs(scope: Scope, *columns) -> Select:
    """Every (enrolled person, held meeting of their course they belong to) pair in scope, with the attendance
    record if any."""
    return (with_meetings(enrolments(scope, *columns))
            .outerjoin(Attendance, and_(Attendance.session_id == TrainingSession.id,
                                        Attendance.user_id == Enrolment.user_id))
            .where(TrainingSession.status == MeetingStatus.SCHEDULED, TrainingSession.starts_at <= utcnow(),
                   in_period(TrainingSession.starts_at, scope)))


def attendance_columns():
    attended = func.sum(case((Attendance.status.in_(ATTENDED), 1), else_=0))
    excused = func.sum(case((Attendance.status == AttendanceStatus.EXCUSED, 1), else_=0))
    return func.count(), attended, excused


def rate(expected, attended, excused) -> float | None:
    counted = (expected or 0) - (excused or 0)
    return (attended or 0) / counted if counted > 0 else None


@dataclass(frozen=True)
class Held:
    """Per enrolment, from its summary: the held meetings of theirs, attended, excused, hours attended, and the
    meetings of theirs still to come (SQL expressions over a query joined by ``with_summaries``)."""

    expected: object
    attended: object
    excused: object
    hours: object
    upcoming: object


def with_summaries(query: Select) -> tuple[Select, Held]:
    """``query`` (selecting from ``Enrolment``) joined to the enrolments' summaries and to what the meetings still
    to come take out of them. Summaries count every meeting of theirs; which are held depends on the clock, so the
    few meetings still to come (and any record already made for them) are counted now and subtracted: someone
    enrolled now belongs to all of them, someone withdrawn to none."""
    summaries.settle(db.session())  # what this transaction wrote so far counts
    upcoming = and_(TrainingSession.status == MeetingStatus.SCHEDULED, TrainingSession.starts_at > utcnow())
    counts = (select(TrainingSession.course_id, func.count().label("meetings")).where(upcoming)
              .group_by(TrainingSession.course_id).subquery("upcoming_meetings"))
    total = lambda condition, value=1: func.sum(case((condition, value), else_=0))  # noqa: E731
    marks = (select(Attendance.user_id, TrainingSession.course_id,
                    total(Attendance.status.in_(ATTENDED)).label("attended"),
                    total(Attendance.status == AttendanceStatus.EXCUSED).label("excused"),
                    total(Attendance.status.in_(ATTENDED), _hours(TrainingSession.starts_at,
                                                                  TrainingSession.ends_at)).label("hours"))
             .join(TrainingSession, TrainingSession.id == Attendance.session_id).where(upcoming)
             .group_by(Attendance.user_id, TrainingSession.course_id).subquery("upcoming_marks"))
    query = (query.outerjoin(Summary, Summary.enrolment_id == Enrolment.id)
             .outerjoin(counts, counts.c.course_id == Enrolment.course_id)
             .outerjoin(marks, and_(marks.c.user_id == Enrolment.user_id, marks.c.course_id == Enrolment.course_id)))
    enrolled_now = Summary.open_period.is_(True)

    def held(everything, to_come):
        return func.coalesce(case((enrolled_now, everything - func.coalesce(to_come, 0)), else_=everything), 0)

    return query, Held(held(Summary.meetings, counts.c.meetings), held(Summary.attended, marks.c.attended),
                       held(Summary.excused, marks.c.excused), held(Summary.attended_hours, marks.c.hours),
                       case((enrolled_now, func.coalesce(counts.c.meetings, 0)), else_=0))


def summaries_cover(scope: Scope) -> bool:
    """Whether the summaries answer the scope's attendance figures: they count every meeting, so only a period
    that leaves out no held meeting (none, or one spanning them all, as the project's indicators do)."""
    if scope.start is None and scope.end is None:
        return True
    return not db.session.scalar(select(exists().where(
        TrainingSession.course_id.is_not(None), TrainingSession.status == MeetingStatus.SCHEDULED,
        TrainingSession.starts_at <= utcnow(), ~in_period(TrainingSession.starts_at, scope))))


def enrolments_within(start: date | None, end: date | None) -> tuple[bool, bool]:
    """Whether a period leaves out no current enrolment (every one made within it) and no completion (every one
    within it): then the period's enrolled (completed) people are all of them."""
    first, last, first_done, last_done = db.session.execute(select(
        func.min(Enrolment.created_at), func.max(Enrolment.created_at), func.min(Enrolment.completed_at),
        func.max(Enrolment.completed_at)).where(Enrolment.status == EnrolmentStatus.ENROLLED)).one()
    start_at, end_at = _bounds(Scope(start=start, end=end))

    def inside(earliest, latest) -> bool:
        return earliest is None or ((start_at is None or earliest >= start_at) and (end_at is None or latest < end_at))

    return inside(first, last), inside(first_done, last_done)


def _held_totals(scope: Scope) -> tuple:
    query, held = with_summaries(enrolments(scope))
    expected, attended, excused, hours = db.session.execute(query.add_columns(
        func.sum(held.expected), func.sum(held.attended), func.sum(held.excused), func.sum(held.hours))).one()
    # PostgreSQL sums integers as numeric: back to plain numbers
    return int(expected or 0), int(attended or 0), int(excused or 0), float(hours or 0)


def placements(scope: Scope, *columns) -> Select:
    """Placements in scope, joined to the trainee (``Person``) and the host firm."""
    query = (select(*columns).select_from(Placement).join(Person, Person.id == Placement.trainee_id)
             .join(Company, Company.id == Placement.company_id).where(_people_filter(scope)))
    if scope.specialisation_id:
        query = query.where(Placement.specialisation_id == scope.specialisation_id)
    if scope.course_ids is not None:
        query = query.where(exists().where(Enrolment.user_id == Placement.trainee_id,
                                           Enrolment.course_id.in_(sorted(scope.course_ids) or [-1])))
    return query


def cross_border():
    return Person.country != Company.country


# -- the measures ---------------------------------------------------------------------------------------------
def trainees_enrolled(scope: Scope) -> int:
    return db.session.scalar(enrolments(scope, func.count(distinct(Enrolment.user_id)))
                             .where(in_period(Enrolment.created_at, scope))) or 0


def trainees_completed(scope: Scope) -> int:
    return db.session.scalar(enrolments(scope, func.count(distinct(Enrolment.user_id))).where(
        Enrolment.completed_at.is_not(None), in_period(Enrolment.completed_at, scope))) or 0


def meetings_held(scope: Scope) -> int:
    return db.session.scalar(
        select(func.count()).select_from(TrainingSession).join(Course, Course.id == TrainingSession.course_id)
        .where(TrainingSession.status == MeetingStatus.SCHEDULED, TrainingSession.starts_at <= utcnow(),
               in_period(TrainingSession.starts_at, scope), _course_filter(scope))) or 0


def attendance_rate(scope: Scope) -> float | None:
    if summaries_cover(scope):
        return rate(*_held_totals(scope)[:3])
    return rate(*db.session.execute(held_meeting_pairs(scope, *attendance_columns())).one())


def placements_completed(scope: Scope, only_cross_border: bool = False) -> int:
    query = placements(scope, func.count(distinct(Placement.trainee_id))).where(
        Placement.status == PlacementStatus.COMPLETED, in_period(Placement.ends_on, scope, days=True))
    if only_cross_border:
        query = query.where(cross_border())
    return db.session.scalar(query) or 0


def trainee_hours(scope: Scope) -> float:
    if summaries_cover(scope):
        meeting_hours = _held_totals(scope)[3] or 0
    else:
        meeting_hours = db.session.scalar(held_meeting_pairs(
            scope, func.coalesce(func.sum(_hours(TrainingSession.starts_at, TrainingSession.ends_at)), 0))
            .where(Attendance.status.in_(ATTENDED))) or 0
    logbook_hours = db.session.scalar(
        placements(scope, func.coalesce(func.sum(LogbookEntry.hours), 0))
        .join(LogbookEntry, LogbookEntry.placement_id == Placement.id)
        .where(LogbookEntry.status == EntryStatus.CONFIRMED, in_period(LogbookEntry.day, scope, days=True))) or 0
    return round(float(meeting_hours) + float(logbook_hours), 1)


def certificates_issued(scope: Scope) -> int:
    query = (select(func.count(distinct(Certificate.user_id))).select_from(Certificate)
             .join(Person, Person.id == Certificate.user_id)
             .outerjoin(Course, Course.id == Certificate.course_id)
             .where(Certificate.revoked_at.is_(None), _people_filter(scope),
                    in_period(Certificate.completed_at, scope)))
    if scope.specialisation_id or scope.course_ids is not None:
        query = query.where(_course_filter(scope))
    return db.session.scalar(query) or 0


def firms_involved(scope: Scope) -> int:
    """Members of the network involved: employing at least one person enrolled in scope, or hosting an agreed,
    ongoing or completed internship in scope. ``scope.country`` is the *firm's* country here (firms per country);
    the other filters apply to the people."""
    people = scope.narrowed(country=None)
    employers = enrolments(people, Person.employer_id).where(Person.employer_id.is_not(None),
                                                             in_period(Enrolment.created_at, people))
    hosts = placements(people, Placement.company_id).where(
        Placement.status.in_([PlacementStatus.AGREED, PlacementStatus.IN_PROGRESS, PlacementStatus.COMPLETED]),
        in_period(Placement.ends_on, people, days=True))
    firm = db.aliased(Company, name="firm")  # neither the host (``Company``) nor the region filter's copy
    query = select(func.count(firm.id)).where(or_(firm.id.in_(employers), firm.id.in_(hosts)))
    if scope.country:
        query = query.where(firm.country == scope.country)
    return db.session.scalar(query) or 0


def cross_border_cooperations(scope: Scope) -> int:
    """Completed internships (each one, not people) where the trainee's country differs from the host firm's: the
    cooperations across the border (the cooperation module will add orders)."""
    return db.session.scalar(placements(scope, func.count(distinct(Placement.id))).where(
        Placement.status == PlacementStatus.COMPLETED, in_period(Placement.ends_on, scope, days=True),
        cross_border())) or 0


# -- cooperation between members (the figures of ``app.cooperation.figures``, one rule for both places) ------------
def cooperation_filter(scope: Scope):
    """The requests a scope covers: opened in its period, by a member of its country and region (the requester's),
    of the processes its specialisation covers; ``scope.company`` narrows to one requesting member (another
    employer, not in the directory, has no requests). Gender and a trainer's courses do not apply to firms."""
    from app.catalogue.models import Specialisation
    from app.cooperation.figures import Filter, processes_of

    processes = None
    if scope.specialisation_id:
        code = db.session.scalar(select(Specialisation.code).where(Specialisation.id == scope.specialisation_id))
        processes = processes_of(code or "")
    company_id = None
    if scope.company:
        company_id = int(scope.company[len(MEMBER_KEY):]) if scope.company.startswith(MEMBER_KEY) \
            and scope.company[len(MEMBER_KEY):].isdigit() else -1
    return Filter(start=scope.start, end=scope.end, country=scope.country, processes=processes,
                  company_id=company_id, region=scope.region)


def cooperation_by_country(scope: Scope) -> list:
    """The cooperation figures per requester's country and their total (last), as on ``/cooperation/figures``."""
    from app.cooperation.figures import compute

    return compute("country", cooperation_filter(scope))


def cooperation(scope: Scope):
    """The cooperation figures of a scope (the total row of ``app.cooperation.figures.compute``)."""
    return cooperation_by_country(scope)[-1]


def _cooperation_value(currency: str):
    return lambda scope: float(cooperation(scope).value.get(currency, 0))


COOPERATION_MEASURES = {
    Measure.COOPERATION_REQUESTS_POSTED: lambda scope: cooperation(scope).posted,
    Measure.COOPERATION_REQUESTS_ANSWERED: lambda scope: cooperation(scope).answered,
    Measure.COOPERATION_REQUESTS_MATCHED: lambda scope: cooperation(scope).matched,
    Measure.COOPERATION_ORDERS_COMPLETED: lambda scope: cooperation(scope).completed,
    Measure.COOPERATION_RESPONSE_HOURS: lambda scope: cooperation(scope).median_response_hours,
    Measure.COOPERATION_CROSS_BORDER_SHARE: lambda scope: cooperation(scope).cross_border_share,
    Measure.COOPERATION_VALUE_EUR: _cooperation_value("EUR"),
    Measure.COOPERATION_VALUE_PLN: _cooperation_value("PLN"),
    Measure.COOPERATION_SATISFACTION: lambda scope: cooperation(scope).satisfaction,
}
# -- events outside courses (``app.events``) --------------------------------------------------------------------
def event_participants(scope: Scope) -> int:
    """People who attended (present or late) the meeting of an event held in the period, counted once however many
    events; the specialisation is the event's, the other filters apply to the people. A scope bound to courses (a
    trainer's own) holds no events."""
    if scope.course_ids is not None:
        return 0
    query = (select(func.count(distinct(Attendance.user_id))).select_from(Attendance)
             .join(TrainingSession, TrainingSession.id == Attendance.session_id)
             .join(Event, Event.meeting_id == TrainingSession.id)
             .join(Person, Person.id == Attendance.user_id)
             .where(Attendance.status.in_(ATTENDED), TrainingSession.status == MeetingStatus.SCHEDULED,
                    TrainingSession.starts_at <= utcnow(), in_period(TrainingSession.starts_at, scope),
                    _people_filter(scope)))
    if scope.specialisation_id:
        query = query.where(Event.specialisation_id == scope.specialisation_id)
    return db.session.scalar(query) or 0


MEASURES = {
    Measure.TRAINEES_ENROLLED: trainees_enrolled,
    Measure.TRAINEES_COMPLETED: trainees_completed,
    Measure.MEETINGS_HELD: meetings_held,
    Measure.ATTENDANCE_RATE: attendance_rate,
    Measure.PLACEMENTS_COMPLETED: placements_completed,
    Measure.CROSS_BORDER_PLACEMENTS: lambda scope: placements_completed(scope, only_cross_border=True),
    Measure.TRAINEE_HOURS: trainee_hours,
    Measure.CERTIFICATES_ISSUED: certificates_issued,
    Measure.FIRMS_INVOLVED: firms_involved,
    Measure.CROSS_BORDER_COOPERATIONS: cross_border_cooperations,
    **COOPERATION_MEASURES,
    Measure.EVENT_PARTICIPANTS: event_participants,
}


def value_of(measure: Measure, scope: Scope):
    return MEASURES[measure](scope)


# -- breakdowns for the dashboard ------------------------------------------------------------------------------
DIMENSIONS = ("specialisation", "country", "company", "region")


def employer_region(person=Person):
    """The region of the person's employer ('' when not a member or the member gave none)."""
    return func.coalesce(select(EmployerRow.region).where(EmployerRow.id == person.employer_id).scalar_subquery(),
                         literal("", String))


def _enrolment_dimension(dimension: str):
    return {"specialisation": Course.specialisation_id, "country": Person.country,
            "company": company_key(Person), "region": employer_region(Person)}[dimension]


def _placement_dimension(dimension: str):
    return {"specialisation": Placement.specialisation_id, "country": Person.country,
            "company": company_key(Person), "region": employer_region(Person)}[dimension]


@dataclass
class Row:
    key: object
    enrolled: int = 0
    completed: int = 0
    expected: int = 0
    attended: int = 0
    excused: int = 0
    placements_planned: int = 0
    placements_ongoing: int = 0
    placements_completed: int = 0
    cross_border_completed: int = 0

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.enrolled if self.enrolled else None

    @property
    def attendance_rate(self) -> float | None:
        return rate(self.expected, self.attended, self.excused)


def breakdown(scope: Scope, dimension: str) -> list[Row]:
    """Completion, attendance and placement figures grouped by specialisation, trainee country or employer —
    three queries, whatever the data."""
    return breakdowns(scope, (dimension,))[dimension]


def breakdowns(scope: Scope, dimensions=DIMENSIONS) -> dict[str, list[Row]]:
    """``breakdown`` for several dimensions: two grouped queries over the per-enrolment summaries when they answer
    the scope (``summaries_cover``), else two per dimension over every (person, held meeting) pair; and one per
    dimension over the placements, read side by side with the enrolments (``core.db.side_by_side``)."""
    enrolment_tables, placement_tables = side_by_side(lambda: _enrolment_breakdowns(scope, dimensions),
                                                      lambda: _placement_breakdowns(scope, dimensions))
    for dimension, rows in placement_tables.items():
        target_rows = enrolment_tables[dimension]
        for key, found in rows.items():
            target = _row(target_rows, key)
            target.placements_planned, target.placements_ongoing = found.placements_planned, found.placements_ongoing
            target.placements_completed = found.placements_completed
            target.cross_border_completed = found.cross_border_completed
    return {dimension: sorted(rows.values(), key=lambda r: str(r.key)) for dimension, rows in enrolment_tables.items()}


def _enrolment_breakdowns(scope: Scope, dimensions) -> dict[str, dict[object, Row]]:
    tables: dict[str, dict[object, Row]] = {dimension: {} for dimension in dimensions}
    if summaries_cover(scope):
        _summary_figures(scope, tables)
    else:
        for dimension in dimensions:
            _pair_figures(scope, dimension, tables[dimension])
    return tables


def _placement_breakdowns(scope: Scope, dimensions) -> dict[str, dict[object, Row]]:
    tables: dict[str, dict[object, Row]] = {dimension: {} for dimension in dimensions}
    for dimension in dimensions:
        _placement_figures(scope, dimension, tables[dimension])
    return tables


def _row(rows: dict[object, Row], key) -> Row:
    key = key.value if hasattr(key, "value") else key
    return rows.setdefault(key, Row(key))


def _summary_figures(scope: Scope, tables: dict[str, dict[object, Row]]) -> None:
    """Enrolment and attendance figures of every dimension from two grouped queries over the enrolments in scope
    and their summaries: sums add up across groups; people are counted once per group, and as a person has one
    country, employer and region, counts per (country, employer, region) add up too — per specialisation they are
    counted separately (a person may follow two)."""
    region_row = db.aliased(Company, name="region_row")  # not ``EmployerRow``: the region filter's subquery uses it
    in_time = in_period(Enrolment.created_at, scope)
    query, held = with_summaries(enrolments(scope))
    # Per person and specialisation first (hash aggregates, no DISTINCT); then, over that (read once, a common
    # table expression), per group of people and specialisation, and per group of people.
    region = func.coalesce(region_row.region, literal("", String))
    per_person = (query.outerjoin(region_row, region_row.id == Person.employer_id).add_columns(
        Person.id.label("person"), Person.country.label("country"), Person.employer_id.label("employer_id"),
        Person.company_name.label("company_name"), region.label("region"),
        Course.specialisation_id.label("specialisation"),
        func.max(case((in_time, 1), else_=0)).label("enrolled"),
        func.max(case((and_(in_time, Enrolment.completed_at.is_not(None)), 1), else_=0)).label("done"),
        func.sum(held.expected).label("expected"), func.sum(held.attended).label("attended"),
        func.sum(held.excused).label("excused"))
        .group_by(Person.id, Person.country, Person.employer_id, Person.company_name, region,
                  Course.specialisation_id)
        .cte("per_person"))
    group = (per_person.c.country, per_person.c.employer_id, per_person.c.company_name, per_person.c.region)
    total = lambda column: cast(func.sum(column), Integer)  # noqa: E731  (PostgreSQL sums bigints as numeric)
    by_course = (select(literal(1).label("kind"), *group, per_person.c.specialisation,
                        total(per_person.c.enrolled), total(per_person.c.done), total(per_person.c.expected),
                        total(per_person.c.attended), total(per_person.c.excused))
                 .group_by(*group, per_person.c.specialisation))
    people = (select(per_person.c.person, *group, func.max(per_person.c.enrolled).label("enrolled"),
                     func.max(per_person.c.done).label("done"))
              .group_by(per_person.c.person, *group).subquery("people"))
    people_group = (people.c.country, people.c.employer_id, people.c.company_name, people.c.region)
    by_people = select(literal(2), *people_group, literal(None), total(people.c.enrolled), total(people.c.done),
                       literal(0), literal(0), literal(0)).group_by(*people_group)

    # Thousands of groups: added up here with as little per row as possible (this loop was a fifth of the cold
    # dashboard). Per specialisation, people come from the first part; per group of people, from the second.
    by_specialisation: dict[object, list[int]] = {}
    shared = [(dimension, index, {}) for index, dimension in enumerate(("country", "company", "region"))
              if dimension in tables]
    for kind, country, employer_id, company_name, region_code, specialisation, enrolled, done, expected, \
            attended, excused in db.session.execute(union_all(by_course, by_people)):
        keys = (getattr(country, "value", country),
                f"{MEMBER_KEY}{employer_id}" if employer_id is not None else f"{OTHER_KEY}{company_name or ''}",
                region_code)  # ``company_key`` in Python
        if kind == 1:
            target = by_specialisation.setdefault(specialisation, [0, 0, 0, 0, 0])
            target[0] += enrolled or 0
            target[1] += done or 0
            target[2] += expected or 0
            target[3] += attended or 0
            target[4] += excused or 0
            for _, index, table in shared:
                target = table.setdefault(keys[index], [0, 0, 0, 0, 0])
                target[2] += expected or 0
                target[3] += attended or 0
                target[4] += excused or 0
        else:
            for _, index, table in shared:
                target = table.setdefault(keys[index], [0, 0, 0, 0, 0])
                target[0] += enrolled or 0
                target[1] += done or 0
    found = [(dimension, table) for dimension, _, table in shared]
    if "specialisation" in tables:
        found.append(("specialisation", by_specialisation))
    for dimension, figures in found:
        for key, (enrolled, done, expected, attended, excused) in figures.items():
            if enrolled or expected:  # a group with enrolments in the period or meetings of theirs held
                target = _row(tables[dimension], key)
                target.enrolled, target.completed = enrolled, done
                target.expected, target.attended, target.excused = expected, attended, excused


def _pair_figures(scope: Scope, dimension: str, rows: dict[object, Row]) -> None:
    """Enrolment and attendance figures from every (person, held meeting) pair: periods the summaries cannot
    answer."""
    group = _enrolment_dimension(dimension)
    completed = func.count(distinct(case((Enrolment.completed_at.is_not(None), Enrolment.user_id))))
    for key, enrolled, done in db.session.execute(enrolments(scope, group, func.count(distinct(Enrolment.user_id)),
                                                             completed)
                                                  .where(in_period(Enrolment.created_at, scope)).group_by(group)):
        target = _row(rows, key)
        target.enrolled, target.completed = enrolled, done
    for key, expected, attended, excused in db.session.execute(
            held_meeting_pairs(scope, group, *attendance_columns()).group_by(group)):
        target = _row(rows, key)
        target.expected, target.attended, target.excused = expected, attended or 0, excused or 0


def _placement_figures(scope: Scope, dimension: str, rows: dict[object, Row]) -> None:
    group = _placement_dimension(dimension)
    status_count = lambda *statuses: func.count(distinct(case((Placement.status.in_(statuses),  # noqa: E731
                                                                Placement.trainee_id))))
    for key, planned, ongoing, done, cross in db.session.execute(placements(
            scope, group, status_count(PlacementStatus.PROPOSED, PlacementStatus.AGREED),
            status_count(PlacementStatus.IN_PROGRESS), status_count(PlacementStatus.COMPLETED),
            func.count(distinct(case((and_(Placement.status == PlacementStatus.COMPLETED, cross_border()),
                                      Placement.trainee_id))))).group_by(group)):
        target = _row(rows, key)
        target.placements_planned, target.placements_ongoing = planned, ongoing
        target.placements_completed, target.cross_border_completed = done, cross


def placements_by_host(scope: Scope) -> list[tuple[str, str, int, int, int]]:
    """(firm, its country, planned, ongoing, completed) per host firm."""
    count = lambda *statuses: func.count(case((Placement.status.in_(statuses), 1)))  # noqa: E731
    return [tuple(r) for r in db.session.execute(placements(
        scope, Company.name, Company.country, count(PlacementStatus.PROPOSED, PlacementStatus.AGREED),
        count(PlacementStatus.IN_PROGRESS), count(PlacementStatus.COMPLETED))
        .group_by(Company.name, Company.country).order_by(Company.name))]


# -- the people behind a figure ----------------------------------------------------------------------------------
FIGURES = ("enrolled", "completed", "placements", "cross_border")


def people_behind(figure: str, scope: Scope) -> Select:
    """A query for the people a figure counts (drill-down and the trainee register)."""
    if figure in ("placements", "cross_border"):
        ids = placements(scope, Placement.trainee_id).where(Placement.status == PlacementStatus.COMPLETED,
                                                            in_period(Placement.ends_on, scope, days=True))
        if figure == "cross_border":
            ids = ids.where(cross_border())
    elif figure == "completed":
        ids = enrolments(scope, Enrolment.user_id).where(Enrolment.completed_at.is_not(None),
                                                         in_period(Enrolment.completed_at, scope))
    else:
        ids = enrolments(scope, Enrolment.user_id).where(in_period(Enrolment.created_at, scope))
    return select(User).where(User.id.in_(ids)).order_by(User.full_name, User.id)
