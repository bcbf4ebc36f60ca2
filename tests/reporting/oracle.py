"""The reports' figures computed the old way, from every (person, held meeting) pair and every attendance,
lesson and quiz record — the oracle the per-enrolment summaries (``app.reporting.summaries``) are checked against.

(This is the query ``app.reporting.risk`` ran before the summaries; the measures keep the pair queries for
periods the summaries cannot answer, so ``pairs_only`` forces those.)"""

from __future__ import annotations

from contextlib import contextmanager
from unittest import mock

from sqlalchemy import and_, case, func, select

from app.catalogue.models import Course
from app.core.db import utcnow
from app.enrolment.models import Enrolment, EnrolmentStatus
from app.extensions import db
from app.learning.models import LessonProgress, QuizAttempt
from app.reporting import measures, risk
from app.reporting.measures import Person, Scope, employer_name, enrolments, with_employer
from app.training.membership import with_meetings
from app.training.models import ATTENDED, Attendance, AttendanceStatus, MeetingStatus, TrainingSession


@contextmanager
def pairs_only():
    """The measures computed from every (person, held meeting) pair, never from the summaries."""
    with mock.patch.object(measures, "summaries_cover", lambda scope: False):
        yield


def _per_enrolment_meetings():
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


def at_risk(scope: Scope, today=None) -> list[risk.AtRisk]:
    """The at-risk list from one query over everything (the reasons decided by ``risk.reasons_for``)."""
    now = utcnow()
    today = today or now.date()
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
        activity = [t for t in (last_seen, last_lesson, last_quiz) if t is not None]
        last = max(activity) if activity else None
        reasons = risk.reasons_for(held=held or 0, upcoming=upcoming or 0, attended=attended or 0,
                                   excused=excused or 0, last=last, enrolled_at=enrolled_at,
                                   needed=(rule or {}).get("min_attendance_percent") or 0, ends_on=ends_on,
                                   now=now, today=today)
        if reasons:
            found.append(risk.AtRisk(enrolment_id, user_id, name, email, country.value, company, course_id, title,
                                     last, reasons))
    return found


def figures(scope: Scope) -> dict:
    """Every figure the dashboard and the at-risk list show that the summaries feed."""
    return {"rate": measures.attendance_rate(scope), "hours": measures.trainee_hours(scope),
            "enrolled": measures.trainees_enrolled(scope), "completed": measures.trainees_completed(scope),
            "tables": measures.breakdowns(scope)}
