"""The one place that decides whether an enrolment is complete.

A course's rule (``Course.completion_rule``): ``lessons``: "all" | "none" | [lesson keys]; ``quizzes``: "all" |
"none" | [quiz keys]; ``min_attendance_percent``: 0–100 of the course's held meetings (as
``training.services.attendance_rate`` counts them). A course without any meeting planned waives the attendance
part; a course whose meetings exist but none has been held yet does not (nobody completes before attending).

Whenever an input changes — a lesson done, a quiz submitted, an attendance recorded or corrected, the rule edited
— ``evaluate_completion`` runs again. Becoming complete or incomplete is recorded as a ``CompletionEvent`` with its
cause, never overwritten; a certificate is issued on completion and revoked ("completion withdrawn") if it is lost.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from app.accounts.models import User
from app.catalogue.models import DEFAULT_COMPLETION_RULE, Course, Lesson
from app.core.audit import record_event
from app.core.db import utcnow
from app.enrolment.models import Enrolment, EnrolmentStatus
from app.extensions import db
from app.learning.models import CompletionEvent, LessonProgress, Quiz, QuizAttempt
from app.training.models import TrainingSession
from app.training.services import attendance_rate
from app.training.signals import attendance_changed


@dataclass
class RuleCheck:
    lessons_ok: bool
    quizzes_ok: bool
    attendance_ok: bool
    missing_lessons: int
    missing_quizzes: int
    attendance: float | None
    required_attendance: float

    @property
    def complete(self) -> bool:
        return self.lessons_ok and self.quizzes_ok and self.attendance_ok


def rule_of(course: Course) -> dict:
    return {**DEFAULT_COMPLETION_RULE, **(course.completion_rule or {})}


def _required(selector, all_keys: dict[str, int]) -> set[int]:
    if selector == "none":
        return set()
    if selector == "all" or selector is None:
        return set(all_keys.values())
    return {all_keys[key] for key in selector if key in all_keys}


def check_rule(user_id: int, course: Course) -> RuleCheck:
    rule = rule_of(course)
    lessons = dict(db.session.execute(select(Lesson.key, Lesson.id).where(Lesson.course_id == course.id)).all())
    quizzes = dict(db.session.execute(select(Quiz.key, Quiz.id).where(Quiz.course_id == course.id)).all())
    need_lessons, need_quizzes = _required(rule["lessons"], lessons), _required(rule["quizzes"], quizzes)
    done = set(db.session.scalars(select(LessonProgress.lesson_id).where(
        LessonProgress.user_id == user_id, LessonProgress.course_id == course.id,
        LessonProgress.completed_at.is_not(None))))
    passed = set(db.session.scalars(select(QuizAttempt.quiz_id).where(
        QuizAttempt.user_id == user_id, QuizAttempt.passed.is_(True)))) if need_quizzes else set()
    required = float(rule.get("min_attendance_percent") or 0)
    rate = attendance_rate(user_id, course.id)
    has_meetings = bool(db.session.scalar(select(func.count()).select_from(TrainingSession).where(
        TrainingSession.course_id == course.id)))
    attendance_ok = required <= 0 or not has_meetings or (rate is not None and rate * 100 >= required - 1e-9)
    return RuleCheck(lessons_ok=need_lessons <= done, quizzes_ok=need_quizzes <= passed, attendance_ok=attendance_ok,
                     missing_lessons=len(need_lessons - done), missing_quizzes=len(need_quizzes - passed),
                     attendance=rate, required_attendance=required)


def evaluate_completion(enrolment: Enrolment, actor: User | None = None, cause: str = "re-evaluated") -> bool:
    """Decide whether ``enrolment`` is complete now; record a change of that, issue or revoke the certificate."""
    from app.learning.certificates import issue_for, revoke_for_lost_completion

    if enrolment.status != EnrolmentStatus.ENROLLED:
        return enrolment.completed_at is not None
    complete = check_rule(enrolment.user_id, enrolment.course).complete
    was_complete = enrolment.completed_at is not None
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
