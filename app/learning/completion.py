"""The one place that decides whether an enrolment is complete.

A course's rule (``Course.completion_rule``): ``lessons``: "all" | "none" | [lesson keys]; ``quizzes``: "all" |
"none" | [quiz keys]; ``min_attendance_percent``: 0–100 of the held meetings the trainee belongs to (as
``training.services.attendance_rate`` counts them: those held since they were enrolled). A course without any
meeting planned waives the attendance part; a course whose meetings exist but none of the trainee's has been held
yet does not (nobody completes before attending).

The programme must be over as well (as in Moodle or Canvas, completion means the whole course, not a share of it):
a course with meetings is completed only once none of its non-cancelled meetings is still to come (every one has
started), so no certificate is issued while later meetings are planned. A completed enrolment does not lose its
completion because a meeting is added or moved later (only because a met requirement — lessons, quizzes,
attendance — stops being met).

Whenever an input changes — a lesson done, a quiz submitted, an attendance recorded or corrected, the rule edited,
a meeting moved or cancelled (``training.signals.meetings_changed``), the course's last meeting started (the
``learning.complete_after_meetings`` upkeep, every 15 minutes) — ``evaluate_completion`` runs again. Becoming
complete or incomplete is recorded as a ``CompletionEvent`` with its cause, never overwritten; a certificate is
issued on completion and revoked ("completion withdrawn") if it is lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.accounts.models import User
from app.catalogue.models import DEFAULT_COMPLETION_RULE, Course, Lesson
from app.core.audit import record_event
from app.core.db import utcnow
from app.enrolment.models import Enrolment, EnrolmentStatus
from app.extensions import db
from app.jobs.outbox import handler
from app.jobs.schedule import every
from app.learning.models import CompletionEvent, LessonProgress, Quiz, QuizAttempt
from app.training.models import MeetingStatus, TrainingSession
from app.training.services import attendance_rates
from app.training.signals import attendance_changed, meetings_changed


@dataclass
class RuleCheck:
    lessons_ok: bool
    quizzes_ok: bool
    attendance_ok: bool
    missing_lessons: int
    missing_quizzes: int
    attendance: float | None
    required_attendance: float
    #: The start of the course's last non-cancelled meeting (None: no meetings); completion waits for it.
    last_meeting_at: datetime | None = None
    meetings_over: bool = True

    @property
    def requirements_met(self) -> bool:
        return self.lessons_ok and self.quizzes_ok and self.attendance_ok

    @property
    def complete(self) -> bool:
        return self.requirements_met and self.meetings_over


def rule_of(course: Course) -> dict:
    return {**DEFAULT_COMPLETION_RULE, **(course.completion_rule or {})}


def _required(selector, all_keys: dict[str, int]) -> set[int]:
    if selector == "none":
        return set()
    if selector == "all" or selector is None:
        return set(all_keys.values())
    return {all_keys[key] for key in selector if key in all_keys}


def last_meetings(course_ids: list[int]) -> dict[int, datetime]:
    """The start of each course's last non-cancelled meeting (courses without one are left out)."""
    return dict(db.session.execute(select(TrainingSession.course_id, func.max(TrainingSession.starts_at)).where(
        TrainingSession.course_id.in_(course_ids or [-1]), TrainingSession.status == MeetingStatus.SCHEDULED)
        .group_by(TrainingSession.course_id)).all())


@dataclass
class Requirements:
    """A course's completion requirements as its trainees are told them (the course page)."""

    lessons: object
    quizzes: object
    min_attendance_percent: int
    last_meeting_at: datetime | None

    @property
    def meetings_to_come(self) -> bool:
        return self.last_meeting_at is not None and self.last_meeting_at > utcnow()


def last_meeting_column(course_id=Course.id):
    """``last_meetings`` as a column of a query on ``Course`` (or on whatever ``course_id`` belongs to): the course
    page reads it with the course, the progress page with the enrolments."""
    return select(func.max(TrainingSession.starts_at)).where(
        TrainingSession.course_id == course_id, TrainingSession.status == MeetingStatus.SCHEDULED).scalar_subquery()


_UNREAD = object()


def requirements(course: Course, last_meeting_at: datetime | object | None = _UNREAD) -> Requirements:
    """``last_meeting_at``: as read by ``last_meeting_column``, else it is looked up."""
    rule = rule_of(course)
    if last_meeting_at is _UNREAD:
        last_meeting_at = last_meetings([course.id]).get(course.id)
    return Requirements(rule["lessons"], rule["quizzes"], int(rule.get("min_attendance_percent") or 0),
                        last_meeting_at)


def check_rule(user_id: int, course: Course) -> RuleCheck:
    return check_rules(user_id, [course])[course.id]


def check_rules(user_id: int, courses: list[Course]) -> dict[int, RuleCheck]:
    """``check_rule`` for several courses of one person, in a fixed number of queries whatever their number (the
    home page says what is missing in each course)."""
    ids = [course.id for course in courses]
    lessons: dict[int, dict[str, int]] = {course_id: {} for course_id in ids}
    for course_id, key, lesson_id in db.session.execute(select(Lesson.course_id, Lesson.key, Lesson.id).where(
            Lesson.course_id.in_(ids or [-1]))):
        lessons[course_id][key] = lesson_id
    quizzes: dict[int, dict[str, int]] = {course_id: {} for course_id in ids}
    for course_id, key, quiz_id in db.session.execute(select(Quiz.course_id, Quiz.key, Quiz.id).where(
            Quiz.course_id.in_(ids or [-1]))):
        quizzes[course_id][key] = quiz_id
    rules = {course.id: rule_of(course) for course in courses}
    need_lessons = {c: _required(rules[c]["lessons"], lessons[c]) for c in ids}
    need_quizzes = {c: _required(rules[c]["quizzes"], quizzes[c]) for c in ids}
    done = set(db.session.scalars(select(LessonProgress.lesson_id).where(
        LessonProgress.user_id == user_id, LessonProgress.course_id.in_(ids or [-1]),
        LessonProgress.completed_at.is_not(None))))
    wanted_quizzes = set().union(*need_quizzes.values()) if ids else set()
    passed = set(db.session.scalars(select(QuizAttempt.quiz_id).where(
        QuizAttempt.user_id == user_id, QuizAttempt.passed.is_(True),
        QuizAttempt.quiz_id.in_(wanted_quizzes)))) if wanted_quizzes else set()
    rates = attendance_rates(user_id, ids)
    with_meetings = set(db.session.scalars(select(TrainingSession.course_id).where(
        TrainingSession.course_id.in_(ids or [-1])).distinct()))
    lasts = last_meetings(ids)
    now = utcnow()
    checks = {}
    for course_id in ids:
        required = float(rules[course_id].get("min_attendance_percent") or 0)
        rate = rates[course_id]
        attendance_ok = (required <= 0 or course_id not in with_meetings
                         or (rate is not None and rate * 100 >= required - 1e-9))
        last = lasts.get(course_id)
        checks[course_id] = RuleCheck(
            lessons_ok=need_lessons[course_id] <= done, quizzes_ok=need_quizzes[course_id] <= passed,
            attendance_ok=attendance_ok, missing_lessons=len(need_lessons[course_id] - done),
            missing_quizzes=len(need_quizzes[course_id] - passed), attendance=rate, required_attendance=required,
            last_meeting_at=last, meetings_over=last is None or last <= now)
    return checks


def evaluate_completion(enrolment: Enrolment, actor: User | None = None, cause: str = "re-evaluated") -> bool:
    """Decide whether ``enrolment`` is complete now; record a change of that, issue or revoke the certificate."""
    from app.learning.certificates import issue_for, revoke_for_lost_completion

    if enrolment.status != EnrolmentStatus.ENROLLED:
        return enrolment.completed_at is not None
    check = check_rule(enrolment.user_id, enrolment.course)
    was_complete = enrolment.completed_at is not None
    # Meetings still to come keep a trainee from completing, but a meeting added or moved later does not take a
    # completion (and its certificate) back.
    complete = check.complete or (was_complete and check.requirements_met)
    if complete == was_complete:
        return complete
    enrolment.completed_at = utcnow() if complete else None
    db.session.add(CompletionEvent(enrolment_id=enrolment.id, completed=complete, cause=cause[:200],
                                   actor_id=actor.id if actor else None))
    record_event("learning.completion_changed", actor=actor, obj=enrolment,
                 before={"complete": was_complete}, after={"complete": complete, "cause": cause[:200]})
    db.session.flush()
    if complete:
        issue_for(enrolment)
    else:
        revoke_for_lost_completion(enrolment, actor)
    return complete


def evaluate_for(user: User, course_id: int, actor: User | None = None, cause: str = "re-evaluated") -> bool | None:
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == user.id,
                                                          Enrolment.course_id == course_id))
    return None if enrolment is None else evaluate_completion(enrolment, actor, cause)


def evaluate_course(course: Course, actor: User | None, cause: str) -> None:
    """After the rule (or the course's meetings) changed: everyone enrolled is evaluated again."""
    for enrolment in db.session.scalars(select(Enrolment).where(Enrolment.course_id == course.id,
                                                                Enrolment.status == EnrolmentStatus.ENROLLED)):
        evaluate_completion(enrolment, actor, cause)


@attendance_changed.connect
def _on_attendance_changed(attendance, actor=None, **_kwargs) -> None:
    meeting = attendance.session
    evaluate_for(attendance.user, meeting.course_id, actor,
                 cause=f"attendance at meeting {meeting.id} set to {attendance.status.value}")


@meetings_changed.connect
def _on_meetings_changed(course, actor=None, cause: str = "meetings changed", **_kwargs) -> None:
    evaluate_course(course, actor, cause)


#: How far back ``complete_after_meetings`` looks for last meetings that started (runs missed while no worker was up).
AFTER_LAST_MEETING = timedelta(hours=24)


def complete_after_meetings(now: datetime | None = None) -> int:
    """Courses whose last non-cancelled meeting started within ``AFTER_LAST_MEETING``: everyone enrolled and not yet
    complete is evaluated again (the people nobody marked at that meeting get no attendance signal). Only grants
    completion: an incomplete enrolment cannot lose it. Returns the number of enrolments that became complete."""
    now = now or utcnow()
    finished = [course_id for course_id, last in last_meetings(list(db.session.scalars(
        select(TrainingSession.course_id).where(
            TrainingSession.status == MeetingStatus.SCHEDULED, TrainingSession.starts_at <= now,
            TrainingSession.starts_at > now - AFTER_LAST_MEETING).distinct()))).items() if last <= now]
    completed = 0
    for enrolment in list(db.session.scalars(select(Enrolment).where(
            Enrolment.course_id.in_(finished or [-1]), Enrolment.status == EnrolmentStatus.ENROLLED,
            Enrolment.completed_at.is_(None)).order_by(Enrolment.id))):
        completed += evaluate_completion(enrolment, None, cause="the course's last meeting started")
    return completed


@handler("learning.complete_after_meetings")
def _complete_after_meetings(payload: dict) -> None:
    complete_after_meetings()


every("learning.complete_after_meetings", "learning.complete_after_meetings", minute="*/15")
