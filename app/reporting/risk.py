"""Trainees slipping away: missed meetings, no activity, or completion out of reach — one query for everyone.

Every Monday each trainer is told the at-risk trainees of their own courses (one digest) and each of those
trainees gets a nudge (``notify_at_risk``, scheduled in ``app.reporting.notices``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import format_date, lazy_gettext as _l
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.catalogue.models import Course, CourseStatus
from app.core.db import utcnow
from app.core.i18n import format_share, in_each_language
from app.core.translated import pick
from app.core.urls import path_for
from app.enrolment.models import Enrolment, EnrolmentStatus
from app.extensions import db
from app.learning.models import LessonProgress, QuizAttempt
from app.notifications.services import notify
from app.reporting.measures import Person, Scope, employer_name, enrolments, with_employer
from app.training.membership import with_meetings
from app.training.models import ATTENDED, Attendance, AttendanceStatus, MeetingStatus, TrainingSession

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


def _per_enrolment_meetings():
    """Per current enrolment: the meetings its person belongs to (``app.training.membership``), held and still to
    come, what they attended or were excused from, and when their attendance was last recorded."""
    now = utcnow()
    scheduled = TrainingSession.status == MeetingStatus.SCHEDULED
    held = and_(scheduled, TrainingSession.starts_at <= now)
    counts = lambda condition: func.sum(case((condition, 1), else_=0))  # noqa: E731
    return (with_meetings(select(Enrolment.id.label("enrolment_id"), counts(held).label("held"),
                                 counts(and_(scheduled, TrainingSession.starts_at > now)).label("upcoming"),
                                 counts(and_(held, Attendance.status.in_(ATTENDED))).label("attended"),
                                 counts(and_(held, Attendance.status == AttendanceStatus.EXCUSED)).label("excused"),
                                 func.max(Attendance.recorded_at).label("last_seen")).select_from(Enrolment))
            .outerjoin(Attendance, and_(Attendance.session_id == TrainingSession.id,
                                        Attendance.user_id == Enrolment.user_id))
            .where(Enrolment.status == EnrolmentStatus.ENROLLED)
            .group_by(Enrolment.id).subquery("meetings"))


def _last(column, user_column, course_column=None):
    columns = [user_column] + ([course_column] if course_column is not None else [])
    return select(*columns, func.max(column).label("last")).group_by(*columns).subquery()


def at_risk(scope: Scope, today: date | None = None) -> list[AtRisk]:
    today = today or utcnow().date()
    now = utcnow()
    meetings = _per_enrolment_meetings()
    lessons = _last(LessonProgress.last_opened_at, LessonProgress.user_id, LessonProgress.course_id)
    quizzes = _last(QuizAttempt.started_at, QuizAttempt.user_id)
    query = (with_employer(enrolments(
        scope, Enrolment.id, Person.id, Person.full_name, Person.email, Person.country, employer_name(), Course.id,
        Course.title, Course.ends_on, Course.completion_rule, Enrolment.created_at, meetings.c.held,
        meetings.c.upcoming, meetings.c.attended, meetings.c.excused, meetings.c.last_seen, lessons.c.last,
        quizzes.c.last))
             .outerjoin(meetings, meetings.c.enrolment_id == Enrolment.id)
             .outerjoin(lessons, and_(lessons.c.user_id == Person.id, lessons.c.course_id == Course.id))
             .outerjoin(quizzes, quizzes.c.user_id == Person.id)
             .where(Enrolment.completed_at.is_(None))
             .order_by(Person.full_name, Person.id, Course.id))
    found = []
    for (enrolment_id, user_id, name, email, country, company, course_id, title, ends_on, rule, enrolled_at,
         held, upcoming, attended, excused, last_seen, last_lesson, last_quiz) in db.session.execute(query):
        held, upcoming, attended, excused = held or 0, upcoming or 0, attended or 0, excused or 0
        reasons: list[tuple[str, dict]] = []
        missed = held - attended - excused
        if missed >= MISSED_MEETINGS:
            reasons.append(("missed", {"n": missed}))
        activity = [t for t in (last_seen, last_lesson, last_quiz) if t is not None]
        last = max(activity) if activity else None
        if last is not None and now - last > timedelta(days=QUIET_DAYS):
            reasons.append(("quiet", {"n": (now - last).days}))
        elif last is None and now - enrolled_at > timedelta(days=QUIET_DAYS):
            reasons.append(("quiet_never", {"n": (now - enrolled_at).days}))
        needed = (rule or {}).get("min_attendance_percent") or 0
        counted = held + upcoming - excused
        if needed and counted > 0:
            reachable = (attended + upcoming) / counted * 100
            if reachable < needed:
                reasons.append(("attendance", {"reachable": round(reachable), "needed": needed}))
        if ends_on is not None and ends_on < today:
            reasons.append(("ended", {"day": ends_on.isoformat()}))
        if reasons:
            found.append(AtRisk(enrolment_id, user_id, name, email, country.value, company, course_id, title, last,
                                reasons))
    return found


def at_risk_cached(scope: Scope, fresh: bool = False) -> tuple[datetime, list[AtRisk]]:
    """``at_risk`` kept in the shared cache for ``REPORT_CACHE_SECONDS`` (exports call ``at_risk`` directly)."""
    from app.reporting.services import cache_delete, cache_key, cached

    key = cache_key("at-risk", scope)
    if fresh:
        cache_delete(key)
    return cached(key, lambda: (utcnow(), at_risk(scope)))


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
