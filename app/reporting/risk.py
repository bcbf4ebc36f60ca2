"""Trainees slipping away: missed meetings, no activity, or completion out of reach — read from the per-enrolment
summaries, paged and counted in SQL.

Every Monday each trainer is told the at-risk trainees of their own courses (one digest) and each of those
trainees gets a nudge (``notify_at_risk``, scheduled in ``app.reporting.notices``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import format_date, lazy_gettext as _l
from sqlalchemy import and_, case, distinct, func, literal, or_, select
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.catalogue.models import Course, CourseStatus
from app.core.db import utcnow
from app.core.i18n import format_share, in_each_language
from app.core.translated import pick
from app.core.urls import path_for
from app.enrolment.models import Enrolment
from app.extensions import db
from app.notifications.services import notify
from app.reporting.measures import Person, Scope, employer_name, enrolments, with_employer, with_summaries
from app.reporting.models import EnrolmentSummary as Summary

MISSED_MEETINGS = 2
QUIET_DAYS = 14
REASON_LABELS = {
    "missed": _l("missed %(n)s meetings"),
    "quiet": _l("no activity for %(n)s days"),
    "quiet_never": _l("no activity since enrolling %(n)s days ago"),
    "attendance": _l("can reach at most %(reachable)s attendance of the %(needed)s needed"),
    "ended": _l("the course ended on %(day)s without completion"),
}


@dataclass
class AtRisk:
    enrolment_id: int
    user_id: int
    full_name: str
    email: str | None
    country: str
    company: str | None
    course_id: int
    course_title: dict
    last_activity: datetime | None
    reasons: list[tuple[str, dict]]

    def reason_texts(self) -> list[str]:
        return [str(REASON_LABELS[code]) % _readable(code, values) for code, values in self.reasons]


def _readable(code: str, values: dict) -> dict:
    """A reason's figures as the reader's language writes them (kept as plain numbers and ISO days)."""
    if code == "attendance":
        return {"reachable": format_share(values["reachable"] / 100), "needed": format_share(values["needed"] / 100)}
    if code == "ended":
        return {"day": format_date(date.fromisoformat(values["day"]))}
    return values


def reasons_for(*, held: int, upcoming: int, attended: int, excused: int, last: datetime | None,
                enrolled_at: datetime, needed: float, ends_on: date | None, now: datetime,
                today: date) -> list[tuple[str, dict]]:
    """Why an enrolment is at risk (empty: it is not), from its figures. ``risk_condition`` is the same rule in
    SQL: keep them together."""
    reasons: list[tuple[str, dict]] = []
    missed = held - attended - excused
    if missed >= MISSED_MEETINGS:
        reasons.append(("missed", {"n": missed}))
    if last is not None and now - last > timedelta(days=QUIET_DAYS):
        reasons.append(("quiet", {"n": (now - last).days}))
    elif last is None and now - enrolled_at > timedelta(days=QUIET_DAYS):
        reasons.append(("quiet_never", {"n": (now - enrolled_at).days}))
    counted = held + upcoming - excused
    # compared without dividing, as SQL does: exactly at the needed share is not at risk
    if needed and counted > 0 and (attended + upcoming) * 100 < needed * counted:
        reasons.append(("attendance", {"reachable": round((attended + upcoming) / counted * 100), "needed": needed}))
    if ends_on is not None and ends_on < today:
        reasons.append(("ended", {"day": ends_on.isoformat()}))
    return reasons


def needed_attendance() -> dict[int, float]:
    """Course → the attendance share (percent) its completion rule requires (courses are few)."""
    return {course_id: (rule or {}).get("min_attendance_percent") or 0
            for course_id, rule in db.session.execute(select(Course.id, Course.completion_rule))}


def _risk_query(scope: Scope, now: datetime, today: date, needed: dict[int, float]):
    """Current, not completed enrolments in scope at risk, with what the reasons need — read from the
    per-enrolment summaries (``app.reporting.summaries``), so it pages and counts in SQL."""
    query, held = with_summaries(enrolments(scope))
    needed_column = case(needed, value=Course.id, else_=0) if needed else literal(0)
    counted = held.expected + held.upcoming - held.excused
    condition = or_(
        held.expected - held.attended - held.excused >= MISSED_MEETINGS,
        Summary.last_activity_at < now - timedelta(days=QUIET_DAYS),
        and_(Summary.last_activity_at.is_(None), Enrolment.created_at < now - timedelta(days=QUIET_DAYS)),
        and_(needed_column > 0, counted > 0, (held.attended + held.upcoming) * 100 < needed_column * counted),
        Course.ends_on < today)
    return query.where(Enrolment.completed_at.is_(None), condition), held


def _entries(scope: Scope, today: date | None, page: int | None, per_page: int) -> list[AtRisk]:
    now = utcnow()
    today = today or now.date()
    needed = needed_attendance()
    query, held = _risk_query(scope, now, today, needed)
    query = with_employer(query.add_columns(
        Enrolment.id, Person.id, Person.full_name, Person.email, Person.country, employer_name(), Course.id,
        Course.title, Course.ends_on, Enrolment.created_at, held.expected, held.upcoming, held.attended,
        held.excused, Summary.last_activity_at)).order_by(Person.full_name, Person.id, Course.id)
    if page is not None:
        query = query.limit(per_page).offset((page - 1) * per_page)
    found = []
    for (enrolment_id, user_id, name, email, country, company, course_id, title, ends_on, enrolled_at,
         held_count, upcoming, attended, excused, last) in db.session.execute(query):
        reasons = reasons_for(held=held_count, upcoming=upcoming, attended=attended, excused=excused, last=last,
                              enrolled_at=enrolled_at, needed=needed.get(course_id, 0), ends_on=ends_on, now=now,
                              today=today)
        found.append(AtRisk(enrolment_id, user_id, name, email, country.value, company, course_id, title, last,
                            reasons))
    return found


def at_risk(scope: Scope, today: date | None = None) -> list[AtRisk]:
    """Everyone at risk in scope (exports and the weekly notices)."""
    return _entries(scope, today, None, 0)


def at_risk_page(scope: Scope, page: int, per_page: int) -> list[AtRisk]:
    """One page of ``at_risk``, paged in SQL."""
    return _entries(scope, None, max(page, 1), per_page)


def at_risk_counts(scope: Scope) -> tuple[int, int]:
    """(enrolments at risk, people at risk) in scope, in one query."""
    now = utcnow()
    query, _held = _risk_query(scope, now, now.date(), needed_attendance())
    enrolments_at_risk, people = db.session.execute(query.add_columns(
        func.count(Enrolment.id), func.count(distinct(Enrolment.user_id)))).one()
    return enrolments_at_risk or 0, people or 0


#: The weekly notices leave out courses that ended longer ago than this (one Monday still mentions them).
NOTICES_AFTER_END = timedelta(days=7)


def _still_relevant(entry: AtRisk, today: date) -> bool:
    ended = next((values["day"] for code, values in entry.reasons if code == "ended"), None)
    return ended is None or date.fromisoformat(ended) >= today - NOTICES_AFTER_END


def _digest_lines(entries: list[AtRisk]) -> dict[str, str]:
    """One line per trainee and course, in every language (the reader's is picked when shown)."""
    return in_each_language(lambda language: "\n".join(
        f"- {e.full_name}, {pick(e.course_title, language=language)}: {'; '.join(e.reason_texts())}"
        for e in entries))


def notify_at_risk(today: date | None = None) -> tuple[int, int]:
    """The weekly notices: each trainer gets the at-risk trainees of their own published courses in one digest;
    each trainee of a course still running gets a nudge of their own (never about anyone else). Once a week each,
    however often it runs. Returns (digests, nudges)."""
    today = today or utcnow().date()
    year, week, _ = today.isocalendar()
    week_key = f"{year}-W{week:02d}"
    entries = [e for e in at_risk(Scope(), today) if _still_relevant(e, today)]
    courses = {c.id: c for c in db.session.scalars(select(Course).where(
        Course.id.in_({e.course_id for e in entries}), Course.status == CourseStatus.PUBLISHED)
        .options(selectinload(Course.trainers)))}
    entries = [e for e in entries if e.course_id in courses]
    by_trainer: dict[int, tuple[User, list[AtRisk]]] = {}
    for entry in entries:
        for trainer in courses[entry.course_id].trainers:
            by_trainer.setdefault(trainer.id, (trainer, []))[1].append(entry)
    digests = 0
    for trainer, own in by_trainer.values():
        digests += len(notify([trainer], "risk.digest", {"count": len(own), "lines": _digest_lines(own)},
                              link=path_for("reporting.at_risk"), key=f"risk.digest:{week_key}"))
    nudges = 0
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_({e.user_id for e in entries})))}
    for entry in entries:
        if any(code == "ended" for code, _values in entry.reasons):
            continue  # the course is over: nothing left to catch up
        nudges += len(notify([people[entry.user_id]], "risk.nudge",
                             {"course": entry.course_title,
                              "reasons": in_each_language(lambda _language, e=entry: "; ".join(e.reason_texts()))},
                             link=path_for("learning.course", course_id=entry.course_id),
                             key=f"risk.nudge:{entry.enrolment_id}:{week_key}"))
    return digests, nudges
