"""Home-page panels of learning (``core.home``): the lesson to continue, and what each course still needs for its
certificate (``completion.check_rules``: the one completion rule, batched). Fixed number of queries whatever the
number of courses, lessons or quizzes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.catalogue.models import Course
from app.enrolment.models import Enrolment, EnrolmentStatus
from app.extensions import db
from app.learning.completion import RuleCheck, check_rules
from app.learning.models import LessonProgress
from app.learning.progress import CourseProgress, courses_progress


def _enrolments(user: Any) -> list[Enrolment]:
    return list(db.session.scalars(select(Enrolment).where(
        Enrolment.user_id == user.id, Enrolment.status == EnrolmentStatus.ENROLLED)
        .options(selectinload(Enrolment.course)).order_by(Enrolment.created_at, Enrolment.id)))


def most_recent_course(user: Any, enrolments: list[Enrolment]) -> Enrolment | None:
    """The not-completed enrolment the trainee last worked in (last lesson opened), else the latest one."""
    open_ones = [e for e in enrolments if e.completed_at is None]
    if not open_ones:
        return None
    last_opened = dict(db.session.execute(select(LessonProgress.course_id, func.max(LessonProgress.last_opened_at))
                                          .where(LessonProgress.user_id == user.id,
                                                 LessonProgress.course_id.in_([e.course_id for e in open_ones]))
                                          .group_by(LessonProgress.course_id)).all())
    return max(open_ones, key=lambda e: (last_opened.get(e.course_id) is not None,
                                         last_opened.get(e.course_id) or e.created_at, e.id))


def continue_learning(user: Any) -> dict:
    """The first lesson not done (else quiz not passed) of the trainee's most recently active course, with the
    course's progress as the progress page shows it."""
    enrolment = most_recent_course(user, _enrolments(user))
    progress: CourseProgress | None = None
    if enrolment is not None:
        progress = courses_progress(user.id, [enrolment.course])[enrolment.course_id]
    return {"enrolment": enrolment, "progress": progress,
            "percent": progress.shown_percent(False) if progress else 0}


@dataclass
class Missing:
    course: Course
    check: RuleCheck


def certificate_gaps(user: Any) -> dict:
    """Per course the trainee is enrolled in and has not completed: lessons and quizzes left, attendance short of
    the course's rule, meetings still to come."""
    enrolments = [e for e in _enrolments(user) if e.completed_at is None]
    checks = check_rules(user.id, [e.course for e in enrolments])
    return {"courses": [Missing(e.course, checks[e.course_id]) for e in enrolments]}
