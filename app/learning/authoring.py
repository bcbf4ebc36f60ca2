"""Authoring quizzes and questions in the browser, and the course's completion rule."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import User
from app.catalogue.models import Course
from app.catalogue.policies import can_manage_course
from app.core.audit import record_event
from app.core.errors import DomainError
from app.core.i18n import LANGUAGES
from app.extensions import db
from app.learning.completion import evaluate_course, rule_of
from app.learning.models import Question, QuestionType, Quiz


def _require(actor: User, course: Course) -> None:
    if not can_manage_course(actor, course):
        raise DomainError(_l("You may only change courses you teach."))


def _clean(texts: dict) -> dict:
    return {k: v.strip() for k, v in texts.items() if k in LANGUAGES and v and v.strip()}


def save_quiz(actor: User, course: Course, quiz: Quiz | None, title: dict, anchor: str, **settings) -> Quiz:
    """Create or update a quiz attached to a lesson ("lesson:<id>") or a module ("module:<id>") of the course."""
    _require(actor, course)
    title = _clean(title)
    if not title:
        raise DomainError(_l("Give the quiz a title."), field="title_en")
    kind, _, ident = anchor.partition(":")
    lesson_ids = {lesson.id for module in course.modules for lesson in module.lessons}
    module_ids = {module.id for module in course.modules}
    if not ident.isdigit() or (kind == "lesson" and int(ident) not in lesson_ids) or \
            (kind == "module" and int(ident) not in module_ids) or kind not in ("lesson", "module"):
        raise DomainError(_l("Choose a lesson or a module of this course."), field="anchor")
    if quiz is None:
        taken = set(db.session.scalars(select(Quiz.key).where(Quiz.course_id == course.id)))
        quiz = Quiz(course_id=course.id, key=next(f"quiz-{n}" for n in range(1, 10_000) if f"quiz-{n}" not in taken),
                    position=len(taken))
        db.session.add(quiz)
    quiz.title = title
    quiz.lesson_id = int(ident) if kind == "lesson" else None
    quiz.module_id = int(ident) if kind == "module" else None
    for name in ("pass_mark", "attempts_limit", "time_limit_minutes", "draw_count", "shuffle_choices"):
        setattr(quiz, name, settings[name])
    db.session.flush()
    return quiz


def parse_choices(text: str) -> list[dict]:
    """'* right\\nwrong' -> choices; every language gets the same text (authors may edit per language later)."""
    choices = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        correct = line.startswith("*")
        label = line.lstrip("*").strip()
        if label:
            choices.append({"text": {lang: label for lang in LANGUAGES}, "correct": correct})
    return choices


def save_question(actor: User, quiz: Quiz, question: Question | None, kind: QuestionType, text: dict, points: float,
                  choices: str = "", correct_true: str = "true", answer=None, tolerance=None, unit: str = "",
                  accepted: str = "") -> Question:
    _require(actor, quiz.course)
    text = _clean(text)
    if not text:
        raise DomainError(_l("Write the question."), field="text_en")
    if kind in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        parsed = parse_choices(choices)
        right = sum(c["correct"] for c in parsed)
        if len(parsed) < 2:
            raise DomainError(_l("Give at least two choices, one per line."), field="choices")
        if kind == QuestionType.SINGLE and right != 1:
            raise DomainError(_l("Mark exactly one choice as correct with *."), field="choices")
        if right == 0:
            raise DomainError(_l("Mark the correct choices with *."), field="choices")
        data = {"choices": parsed}
    elif kind == QuestionType.TRUE_FALSE:
        data = {"correct": correct_true == "true"}
    elif kind == QuestionType.NUMERIC:
        if answer is None:
            raise DomainError(_l("Give the correct number."), field="answer")
        data = {"answer": float(answer), "tolerance": abs(float(tolerance or 0)), "unit": (unit or "").strip()}
    else:
        answers = [a.strip() for a in (accepted or "").splitlines() if a.strip()]
        if not answers:
            raise DomainError(_l("Give at least one accepted answer."), field="accepted")
        data = {"accepted": {"any": answers}}
    if question is None:
        taken = {q.key for q in quiz.questions}
        question = Question(course_id=quiz.course_id, quiz=quiz, position=len(taken),
                            key=next(f"q-{n}" for n in range(1, 10_000) if f"q-{n}" not in taken))
        db.session.add(question)
    question.type, question.text, question.points, question.data = kind, text, points, data
    db.session.flush()
    return question


def set_question_active(actor: User, question: Question, active: bool) -> None:
    """Questions are retired, not deleted: earlier attempts keep their own copy anyway."""
    _require(actor, question.quiz.course)
    question.is_active = active
    db.session.flush()


def save_rule(actor: User, course: Course, lessons: str, quizzes: str, min_attendance_percent: int) -> None:
    _require(actor, course)
    if lessons not in ("all", "none") or quizzes not in ("all", "none") or not 0 <= min_attendance_percent <= 100:
        raise DomainError(_l("Invalid completion rule."))
    before = rule_of(course)
    course.completion_rule = {"lessons": lessons, "quizzes": quizzes, "min_attendance_percent": min_attendance_percent}
    record_event("learning.completion_rule_changed", actor=actor, obj=course, before=before,
                 after=course.completion_rule)
    db.session.flush()
    evaluate_course(course, actor, cause="completion rule changed")
