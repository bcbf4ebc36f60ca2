"""Learning: lesson progress, video watching, quizzes and attempts, completion history."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.catalogue.models import Course, Lesson, Material, Module
from app.catalogue.outline import register_outline_quizzes
from app.catalogue.versions import register_course_content
from app.core.db import TimestampMixin, enum_column, utcnow
from app.enrolment.models import Enrolment
from app.extensions import db


class ProgressSource(enum.StrEnum):
    MANUAL = "manual"  # the trainee clicked "mark as done"
    READ = "read"  # text read to the end (and for long enough)
    WATCHED = "watched"  # the lesson's videos watched to the required share


class LessonProgress(db.Model):
    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"), index=True)
    #: Denormalised so "progress in this course" is one indexed query.
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    first_opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]
    completed_via: Mapped[ProgressSource | None] = mapped_column(enum_column(ProgressSource))

    lesson: Mapped[Lesson] = relationship()


class VideoProgress(db.Model):
    """What a person has really watched of one video: merged intervals bounded by the media's duration and by
    the wall-clock time the server has seen pass (see ``app.learning.watching``)."""

    __tablename__ = "video_progress"
    __table_args__ = (UniqueConstraint("user_id", "material_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("materials.id"), index=True)
    #: [[start, end], ...] in seconds, sorted and non-overlapping.
    watched: Mapped[list] = mapped_column(JSON, default=list)
    watched_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    last_position: Mapped[float] = mapped_column(Float, default=0.0)
    first_beacon_at: Mapped[datetime | None]
    last_beacon_at: Mapped[datetime | None]
    #: The current viewing session (from the lesson page's last load) and what it has been credited so far.
    session_started_at: Mapped[datetime | None]
    session_credited: Mapped[float] = mapped_column(Float, default=0.0)
    last_sequence: Mapped[int] = mapped_column(default=0)

    material: Mapped[Material] = relationship()


class QuestionType(enum.StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"
    NUMERIC = "numeric"
    SHORT_TEXT = "short_text"


class Quiz(TimestampMixin, db.Model):
    __tablename__ = "quizzes"
    __table_args__ = (UniqueConstraint("course_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    key: Mapped[str] = mapped_column(String(100))
    #: Attached to a lesson or to a module (exactly one).
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id"), index=True)
    module_id: Mapped[int | None] = mapped_column(ForeignKey("modules.id"), index=True)
    title: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Percent of the points needed to pass.
    pass_mark: Mapped[int] = mapped_column(default=70)
    attempts_limit: Mapped[int | None]
    time_limit_minutes: Mapped[int | None]
    #: Draw this many questions at random from the quiz's pool (None: all).
    draw_count: Mapped[int | None]
    shuffle_choices: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)

    course: Mapped[Course] = relationship()
    lesson: Mapped[Lesson | None] = relationship()
    module: Mapped[Module | None] = relationship()
    questions: Mapped[list[Question]] = relationship(back_populates="quiz", order_by="Question.position",
                                                     cascade="all, delete-orphan")


class Question(db.Model):
    """A question of a course's bank, in one quiz's pool. ``data`` holds the answer key and never leaves the
    server before the attempt is submitted."""

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("quiz_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"), index=True)
    key: Mapped[str] = mapped_column(String(100))
    type: Mapped[QuestionType] = mapped_column(enum_column(QuestionType))
    text: Mapped[dict] = mapped_column(JSON, default=dict)
    points: Mapped[float] = mapped_column(Float, default=1.0)
    #: single/multiple: {"choices": [{"id", "text": {..}, "correct"}]}; true_false: {"correct": bool};
    #: numeric: {"answer", "tolerance", "tolerance_percent", "unit"}; short_text: {"accepted": {lang: [...]}}
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)

    quiz: Mapped[Quiz] = relationship(back_populates="questions")


class QuizAttempt(db.Model):
    __tablename__ = "quiz_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    #: The questions as presented (text, shuffled choices with per-attempt ids) plus their answer keys, so a
    #: question edited later never changes what this attempt asked or how it was graded.
    snapshot: Mapped[list] = mapped_column(JSON, default=list)
    answers: Mapped[dict | None] = mapped_column(JSON)
    results: Mapped[list | None] = mapped_column(JSON)
    score: Mapped[float | None] = mapped_column(Float)
    max_score: Mapped[float | None] = mapped_column(Float)
    percent: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None]
    #: Submitted after the time limit (answers not counted).
    expired: Mapped[bool] = mapped_column(default=False)

    quiz: Mapped[Quiz] = relationship()
    user: Mapped[User] = relationship()


class CompletionEvent(db.Model):
    """Every time an enrolment became complete or stopped being complete, and why (never overwritten)."""

    __tablename__ = "completion_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id"), index=True)
    completed: Mapped[bool]
    cause: Mapped[str] = mapped_column(String(200))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    enrolment: Mapped[Enrolment] = relationship()


# A quiz's title and place are part of the course outline: editing one changes the course's content version.
register_course_content(Quiz)
register_outline_quizzes(Quiz)  # their titles in the course outline
