"""Trainees slipping away: missed meetings, no activity, or completion out of reach — one query for everyone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select

from app.catalogue.models import Course
from app.core.db import utcnow
from app.enrolment.models import Enrolment
from app.extensions import db
from app.learning.models import LessonProgress, QuizAttempt
from app.reporting.measures import Person, Scope, enrolments
from app.training.models import ATTENDED, Attendance, AttendanceStatus, MeetingStatus, TrainingSession

MISSED_MEETINGS = 2
QUIET_DAYS = 14
REASON_LABELS = {
    "missed": _l("missed %(n)s meetings"),
    "quiet": _l("no activity for %(n)s days"),
    "quiet_never": _l("no activity since enrolling %(n)s days ago"),
    "attendance": _l("can reach at most %(reachable)s%% attendance of the %(needed)s%% needed"),
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
        return [str(REASON_LABELS[code]) % values for code, values in self.reasons]


def _per_course_meetings():
    now = utcnow()
    held = case((TrainingSession.starts_at <= now, 1), else_=0)
    return (select(TrainingSession.course_id, func.sum(held).label("held"),
                   func.sum(1 - held).label("upcoming"))
            .where(TrainingSession.status == MeetingStatus.SCHEDULED)
            .group_by(TrainingSession.course_id).subquery("meetings"))


def _per_person_attendance():
    held = and_(TrainingSession.status == MeetingStatus.SCHEDULED, TrainingSession.starts_at <= utcnow())
    return (select(Attendance.user_id, TrainingSession.course_id,
                   func.sum(case((and_(held, Attendance.status.in_(ATTENDED)), 1), else_=0)).label("attended"),
                   func.sum(case((and_(held, Attendance.status == AttendanceStatus.EXCUSED), 1), else_=0))
                   .label("excused"),
                   func.max(Attendance.recorded_at).label("last_seen"))
            .join(TrainingSession, TrainingSession.id == Attendance.session_id)
            .group_by(Attendance.user_id, TrainingSession.course_id).subquery("attendance"))


def _last(column, user_column, course_column=None):
    columns = [user_column] + ([course_column] if course_column is not None else [])
    return select(*columns, func.max(column).label("last")).group_by(*columns).subquery()


def at_risk(scope: Scope, today: date | None = None) -> list[AtRisk]:
    today = today or utcnow().date()
    now = utcnow()
    meetings, attendance = _per_course_meetings(), _per_person_attendance()
    lessons = _last(LessonProgress.last_opened_at, LessonProgress.user_id, LessonProgress.course_id)
    quizzes = _last(QuizAttempt.started_at, QuizAttempt.user_id)
    query = (enrolments(scope, Enrolment.id, Person.id, Person.full_name, Person.email, Person.country,
                        Person.company_name, Course.id, Course.title, Course.ends_on, Course.completion_rule,
                        Enrolment.created_at, meetings.c.held, meetings.c.upcoming, attendance.c.attended,
                        attendance.c.excused, attendance.c.last_seen, lessons.c.last, quizzes.c.last)
             .outerjoin(meetings, meetings.c.course_id == Course.id)
             .outerjoin(attendance, and_(attendance.c.user_id == Person.id, attendance.c.course_id == Course.id))
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
