"""Lesson progress: opened, read to the end, watched, or marked done by hand; and a course's overall progress."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import User
from app.catalogue.models import Course, Lesson, Material, MaterialKind
from app.core.db import utcnow
from app.core.errors import DomainError
from app.core.translated import pick
from app.extensions import db
from app.learning.models import LessonProgress, ProgressSource, Quiz, QuizAttempt, VideoProgress
from app.learning.watching import watched_share

#: Reading speed assumed for "read to the end": half the time an average reader needs, at most five minutes.
WORDS_PER_MINUTE = 200
MAX_READING_SECONDS = 300


def progress_of(user_id: int, lesson_id: int) -> LessonProgress | None:
    return db.session.scalar(select(LessonProgress).where(LessonProgress.user_id == user_id,
                                                          LessonProgress.lesson_id == lesson_id))


def lesson_opened(user: User, lesson: Lesson, now: datetime | None = None) -> LessonProgress:
    now = now or utcnow()
    progress = progress_of(user.id, lesson.id)
    if progress is None:
        progress = LessonProgress(user_id=user.id, lesson_id=lesson.id, course_id=lesson.course_id,
                                  first_opened_at=now, last_opened_at=now)
        db.session.add(progress)
    else:
        progress.last_opened_at = now
    db.session.flush()
    return progress


def minimum_reading_seconds(lesson: Lesson, language: str) -> int:
    words = len(re.findall(r"\w+", pick(lesson.body, lesson.module.course.source_language, language)))
    return min(MAX_READING_SECONDS, int(words / WORDS_PER_MINUTE * 60 * 0.5))


def _complete(user: User, lesson: Lesson, source: ProgressSource, now: datetime) -> LessonProgress:
    progress = progress_of(user.id, lesson.id) or lesson_opened(user, lesson, now)
    if progress.completed_at is None:
        progress.completed_at, progress.completed_via = now, source
        db.session.flush()
        from app.learning.completion import evaluate_for

        evaluate_for(user, lesson.course_id, actor=user, cause=f"lesson {lesson.key} done ({source.value})")
    return progress


def mark_done(user: User, lesson: Lesson, now: datetime | None = None) -> LessonProgress:
    """The trainee says the lesson is done (as in Moodle's manual completion)."""
    return _complete(user, lesson, ProgressSource.MANUAL, now or utcnow())


def mark_read(user: User, lesson: Lesson, now: datetime | None = None) -> LessonProgress:
    """The end of the text came into view: accepted once the lesson has been open long enough to read it."""
    now = now or utcnow()
    progress = progress_of(user.id, lesson.id)
    if progress is None:
        raise DomainError(_l("Open the lesson first."))
    if (now - progress.first_opened_at).total_seconds() < minimum_reading_seconds(lesson, user.language):
        raise DomainError(_l("Take your time to read the lesson; it will be marked as read afterwards."))
    return _complete(user, lesson, ProgressSource.READ, now)


def videos_of(lesson: Lesson) -> list[Material]:
    return [m for m in lesson.materials if m.kind == MaterialKind.VIDEO and m.deleted_at is None]


def check_watched(user: User, lesson: Lesson, now: datetime | None = None) -> bool:
    """Mark the lesson done once every one of its videos was watched to the required share."""
    videos = videos_of(lesson)
    if not videos:
        return False
    share = current_app.config["LEARNING_WATCH_SHARE"]
    progress = {p.material_id: p for p in db.session.scalars(select(VideoProgress).where(
        VideoProgress.user_id == user.id, VideoProgress.material_id.in_([v.id for v in videos])))}
    if all(watched_share(progress.get(v.id), v) >= share for v in videos):
        _complete(user, lesson, ProgressSource.WATCHED, now or utcnow())
        return True
    return False


@dataclass
class CourseProgress:
    lessons_total: int
    lessons_done: int
    quizzes_total: int
    quizzes_passed: int
    attendance: float | None
    next_lesson: Lesson | None
    next_quiz: Quiz | None
    done_lesson_ids: set[int] = field(default_factory=set)
    passed_quiz_ids: set[int] = field(default_factory=set)

    @property
    def percent(self) -> int:
        total = self.lessons_total + self.quizzes_total
        return round(100 * (self.lessons_done + self.quizzes_passed) / total) if total else 0


def course_progress(user_id: int, course: Course) -> CourseProgress:
    from app.training.services import attendance_rate

    lessons = [lesson for module in course.modules for lesson in module.lessons]
    done = set(db.session.scalars(select(LessonProgress.lesson_id).where(
        LessonProgress.user_id == user_id, LessonProgress.course_id == course.id,
        LessonProgress.completed_at.is_not(None))))
    quizzes = list(db.session.scalars(select(Quiz).where(Quiz.course_id == course.id).order_by(Quiz.position,
                                                                                                 Quiz.id)))
    passed = set(db.session.scalars(select(QuizAttempt.quiz_id).where(
        QuizAttempt.user_id == user_id, QuizAttempt.passed.is_(True),
        QuizAttempt.quiz_id.in_([q.id for q in quizzes]))))
    return CourseProgress(
        lessons_total=len(lessons), lessons_done=len(done & {lesson.id for lesson in lessons}),
        quizzes_total=len(quizzes), quizzes_passed=len(passed), attendance=attendance_rate(user_id, course.id),
        next_lesson=next((lesson for lesson in lessons if lesson.id not in done), None),
        next_quiz=next((q for q in quizzes if q.id not in passed), None), done_lesson_ids=done,
        passed_quiz_ids=passed)
