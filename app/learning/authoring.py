"""Authoring quizzes and questions in the browser, and the course's completion rule."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import User
from app.catalogue.models import Course
from app.catalogue.policies import can_manage_course
from app.core.audit import audit_changes, record_event
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


def _quiz_snapshot(quiz: Quiz) -> dict:
    return {"title": dict(quiz.title or {}), "lesson": quiz.lesson_id, "module": quiz.module_id,
            "pass_mark": quiz.pass_mark, "attempts_limit": quiz.attempts_limit,
            "time_limit_minutes": quiz.time_limit_minutes, "draw_count": quiz.draw_count,
            "shuffle_choices": quiz.shuffle_choices}


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
    created = quiz is None
    before = {} if quiz is None else _quiz_snapshot(quiz)
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
    if created:
        record_event("learning.quiz_created", actor=actor, obj=quiz, after={"key": quiz.key, **_quiz_snapshot(quiz)})
    else:
        old, new = audit_changes(before, _quiz_snapshot(quiz))
        if new:
            record_event("learning.quiz_updated", actor=actor, obj=quiz, before=old, after=new)
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


def _answer_summary(data: dict) -> dict:
    # The shape of the answer key, not its texts: how many choices and correct ones, or the number and unit.
    if "choices" in data:
        return {"choices": len(data["choices"]), "correct": sum(bool(c["correct"]) for c in data["choices"])}
    if "accepted" in data:
        return {"accepted": sum(len(answers) for answers in data["accepted"].values())}
    return dict(data)


def _question_snapshot(question: Question) -> dict:
    return {"type": question.type, "points": question.points, "text": dict(question.text or {}),
            "answer": question.data}


def _question_changes(before: dict, after: dict) -> tuple[dict, dict]:
    """What changed in a question: texts as lengths per language, the answer key as its summary."""
    old, new = audit_changes(before, after, texts=("text",))
    if "answer" in new:
        old["answer"] = _answer_summary(before["answer"]) if before.get("answer") else None
        new["answer"] = _answer_summary(after["answer"])
    return old, new


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
    created = question is None
    before = {} if created else _question_snapshot(question)
    if question is None:
        taken = {q.key for q in quiz.questions}
        question = Question(course_id=quiz.course_id, quiz=quiz, position=len(taken),
                            key=next(f"q-{n}" for n in range(1, 10_000) if f"q-{n}" not in taken))
        db.session.add(question)
    question.type, question.text, question.points, question.data = kind, text, points, data
    db.session.flush()
    old, new = _question_changes(before, _question_snapshot(question))
    if created:
        record_event("learning.question_created", actor=actor, obj=question,
                     after={"quiz": quiz.id, "key": question.key, **new})
    elif new:
        record_event("learning.question_updated", actor=actor, obj=question, before=old, after=new)
    return question


def set_question_active(actor: User, question: Question, active: bool) -> None:
    """Questions are retired, not deleted: earlier attempts keep their own copy anyway."""
    _require(actor, question.quiz.course)
    if question.is_active != active:
        record_event("learning.question_restored" if active else "learning.question_retired", actor=actor,
                     obj=question, before={"is_active": question.is_active}, after={"is_active": active})
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
