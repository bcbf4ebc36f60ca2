"""Lesson progress: opened, read to the end, watched, or marked done by hand; and a course's overall progress."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Insert, bindparam, func, literal, null, select, union_all
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.accounts.models import User
from app.catalogue.models import Course, Lesson, Material, MaterialKind, MaterialStatus
from app.catalogue.outline import OutlineLesson, OutlineQuiz, outlines_of
from app.core import changes
from app.core.db import UTCDateTime, utcnow
from app.core.errors import DomainError
from app.core.translated import pick
from app.extensions import db
from app.learning.models import LessonProgress, ProgressSource, QuizAttempt, VideoProgress
from app.learning.watching import watched_share
from app.training.models import Attendance
from app.training.services import held_statement, held_values, rates_of

#: A lesson's visit is recorded at most this often per person (a reload, "back", a second tab read what the first
#: recorded): Moodle refreshes its "last access" once a minute too.
VISIT_EVERY = timedelta(minutes=1)

#: Reading speed assumed for "read to the end": half the time an average reader needs, at most five minutes.
WORDS_PER_MINUTE = 200
MAX_READING_SECONDS = 300


def progress_of(user_id: int, lesson_id: int) -> LessonProgress | None:
    return db.session.scalar(select(LessonProgress).where(LessonProgress.user_id == user_id,
                                                          LessonProgress.lesson_id == lesson_id))


@cache
def _visit_statement(dialect: str, durable: bool = True) -> Insert:
    """INSERT ... ON CONFLICT DO UPDATE of the visit: the same person opening the same lesson in two tabs at once
    must not collide on the (user, lesson) unique key. Built once per dialect (values are bound at execution).
    ``durable=False`` (PostgreSQL): the statement also tells the transaction not to wait for the disk at commit
    (``set_config`` is ``SET LOCAL`` as a function: no statement of its own)."""
    insert = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}[dialect]
    table, now = LessonProgress.__table__, bindparam("now", type_=UTCDateTime())
    statement = insert(table).values(user_id=bindparam("user_id"), lesson_id=bindparam("lesson_id"),
                                     course_id=bindparam("course_id"), first_opened_at=now, last_opened_at=now)
    statement = statement.on_conflict_do_update(index_elements=["user_id", "lesson_id"],
                                                set_={"last_opened_at": statement.excluded.last_opened_at})
    returned = [table.c.completed_at, table.c.completed_via]
    if not durable:
        returned.append(func.set_config("synchronous_commit", "off", True))
    return statement.returning(*returned)


def _visit(user_id: int, lesson_id: int, course_id: int, now: datetime, durable: bool = True):
    dialect = db.session.get_bind().dialect.name
    return db.session.execute(_visit_statement(dialect, durable or dialect != "postgresql"),
                              {"user_id": user_id, "lesson_id": lesson_id, "course_id": course_id, "now": now}).one()


@dataclass(frozen=True)
class Visit:
    """What recording a visit tells the lesson page: whether (and how) the lesson is done."""

    completed_at: datetime | None
    completed_via: ProgressSource | None


def record_visit(user: User, lesson_id: int, course_id: int, now: datetime | None = None,
                 durable: bool = True) -> Visit:
    """Record a visit and learn the lesson's state in the same statement (RETURNING): the page reads nothing
    more about it. ``durable=False``: on PostgreSQL the commit does not wait for the disk (see the lesson page)."""
    row = _visit(user.id, lesson_id, course_id, now or utcnow(), durable)
    changes.mark("lesson_progress", [(user.id, course_id)])  # a Core write: tell who keeps figures on it
    return Visit(row.completed_at, row.completed_via)


def lesson_opened(user: User, lesson: Lesson, now: datetime | None = None) -> LessonProgress:
    """Record a visit in one statement; returns the progress row (for those who go on to change it)."""
    _visit(user.id, lesson.id, lesson.course_id, now or utcnow())
    changes.mark("lesson_progress", [(user.id, lesson.course_id)])  # a Core write: tell who keeps figures on it
    return db.session.scalars(select(LessonProgress).where(
        LessonProgress.user_id == user.id, LessonProgress.lesson_id == lesson.id)
        .execution_options(populate_existing=True)).one()


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
    """The videos a trainee must watch: those that can be played (a video still being checked, or refused, does
    not hold the lesson back)."""
    return [m for m in lesson.materials
            if m.kind == MaterialKind.VIDEO and m.deleted_at is None and m.status == MaterialStatus.READY]


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
    #: From the course's outline (``app.catalogue.outline``): ``id`` and ``title``.
    next_lesson: OutlineLesson | None
    next_quiz: OutlineQuiz | None
    done_lesson_ids: set[int] = field(default_factory=set)
    passed_quiz_ids: set[int] = field(default_factory=set)

    @property
    def percent(self) -> int:
        total = self.lessons_total + self.quizzes_total
        return round(100 * (self.lessons_done + self.quizzes_passed) / total) if total else 0

    def shown_percent(self, completed: bool) -> int:
        """What the bar says: 100 % only for a completed course (lessons and quizzes may all be done while the
        attendance or the last meeting is still missing)."""
        return self.percent if completed else min(self.percent, 99)


def courses_progress(user_id: int, courses: list[Course]) -> dict[int, CourseProgress]:
    """One person's progress in several courses, in a fixed number of queries whatever their number: the lessons
    and quizzes come from the courses' cached outlines, the person's done lessons and passed quizzes from one
    query."""
    ids = [course.id for course in courses]
    if not ids:
        return {}
    outlines = outlines_of(courses)
    quiz_ids = [quiz.id for outline in outlines.values() for quiz in outline.quizzes]
    done: set[int] = set()
    passed: set[int] = set()
    held = []
    # One query: the done lessons, the passed quizzes and the held meetings with the person's attendance.
    for kind, id_, status in db.session.execute(_done_statement(bool(quiz_ids)), {
            **held_values(user_id, ids), "quiz_ids": quiz_ids}):
        if kind == "held":
            held.append((id_, status))
        else:
            (done if kind == "lesson" else passed).add(id_)
    rates = rates_of(ids, held)
    result = {}
    for course_id in ids:
        course_lessons, course_quizzes = outlines[course_id].lessons, outlines[course_id].quizzes
        lesson_ids = {lesson.id for lesson in course_lessons}
        course_quiz_ids = {quiz.id for quiz in course_quizzes}
        result[course_id] = CourseProgress(
            lessons_total=len(course_lessons), lessons_done=len(done & lesson_ids),
            quizzes_total=len(course_quizzes), quizzes_passed=len(passed & course_quiz_ids),
            attendance=rates[course_id],
            next_lesson=next((lesson for lesson in course_lessons if lesson.id not in done), None),
            next_quiz=next((q for q in course_quizzes if q.id not in passed), None),
            done_lesson_ids=done & lesson_ids, passed_quiz_ids=passed & course_quiz_ids)
    return result


@cache
def _done_statement(with_quizzes: bool):
    """A person's done lessons, passed quizzes and held meetings (with their attendance) in some courses, as
    (kind, id, attendance status): built once, values bound at execution."""
    person = bindparam("user_id")
    no_status = null().cast(Attendance.status.type)
    done_lessons = select(literal("lesson").label("kind"), LessonProgress.lesson_id.label("id"),
                          no_status.label("status")).where(
        LessonProgress.user_id == person, LessonProgress.course_id.in_(bindparam("course_ids", expanding=True)),
        LessonProgress.completed_at.is_not(None))
    parts = [done_lessons, held_statement(literal("held"))]
    if with_quizzes:
        parts.append(select(literal("quiz"), QuizAttempt.quiz_id, no_status).where(
            QuizAttempt.user_id == person, QuizAttempt.passed.is_(True),
            QuizAttempt.quiz_id.in_(bindparam("quiz_ids", expanding=True))))
    return union_all(*parts)


def lesson_panel(user: User, lesson, quizzes: list, visit: Visit | None) -> dict:
    """What the lesson page shows about the visitor's progress (and the resume positions of its videos).
    ``lesson``: the outline's (``app.catalogue.outline``), ``quizzes``: those shown under it, ``visit``: as
    ``record_visit`` returned it (None when the visit could not be recorded: then it is read)."""
    if visit is None:
        record = progress_of(user.id, lesson.id)
        visit = Visit(record.completed_at, record.completed_via) if record else Visit(None, None)
    videos = videos_of(lesson)
    positions = dict(db.session.execute(select(VideoProgress.material_id, VideoProgress.last_position).where(
        VideoProgress.user_id == user.id, VideoProgress.material_id.in_([v.id for v in videos]))).all()) \
        if videos else {}
    return {"done": visit.completed_at is not None,
            "via": visit.completed_via.value if visit.completed_via else None,
            "positions": {v.id: positions.get(v.id, 0) for v in videos},
            "has_videos": bool(videos), "quizzes": quizzes}
