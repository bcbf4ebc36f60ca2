"""Who may study a lesson, take a quiz, answer or see an attempt, and author quizzes.

Who may *study* a course is decided by enrolment (``app.enrolment.policies``), who manages its content by the
catalogue (``app.catalogue.policies``); these rules combine the two for learning's own rows.
"""

from __future__ import annotations

from typing import Any

from app.catalogue.models import Lesson, Material, MaterialKind
from app.catalogue.policies import can_manage_course
from app.core.permissions import Role, has_role
from app.enrolment.policies import can_access_material, can_study_course, is_enrolled
from app.learning.models import Question, Quiz, QuizAttempt


def can_study_lesson(user: Any, lesson: Lesson) -> bool:
    """Progress is recorded for those who may open the lesson: its course's participants and managers."""
    return can_study_course(user, lesson.module.course)


def can_watch_video(user: Any, material: Material) -> bool:
    """Watching beacons count for a video material the person may open."""
    return material.kind == MaterialKind.VIDEO and can_access_material(user, material)


def can_take_quiz(user: Any, quiz: Quiz) -> bool:
    """Participants of the quiz's course take it; those who manage the course may try it out."""
    return is_enrolled(user, quiz.course_id) or can_manage_course(user, quiz.course)


def can_answer_attempt(user: Any, attempt: QuizAttempt) -> bool:
    """Only the person who started an attempt answers it."""
    return getattr(user, "id", None) == attempt.user_id


def can_see_attempt(user: Any, attempt: QuizAttempt) -> bool:
    """A result is seen by the person who took the attempt, and by coordinators."""
    return can_answer_attempt(user, attempt) or has_role(user, Role.COORDINATOR)


def can_author_quiz(user: Any, quiz: Quiz) -> bool:
    """Quizzes are written by those who manage their course."""
    return can_manage_course(user, quiz.course)


def can_author_question(user: Any, question: Question) -> bool:
    return can_author_quiz(user, question.quiz)
