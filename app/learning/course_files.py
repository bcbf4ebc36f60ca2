"""The ``quizzes:`` section of ``courses/<spec>/course.yaml``, imported with the course (matched by keys)."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from sqlalchemy import select

from app.catalogue.importer import CourseFileError, ImportReport, _key, _texts, register_section, upsert
from app.catalogue.models import Course, Lesson
from app.extensions import db
from app.learning.models import Question, QuestionType, Quiz


def question_data(kind: QuestionType, item: dict, where: str) -> dict:
    """Validate one question's answer key and return it in the stored form."""
    if kind in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        choices = item.get("choices") or []
        if len(choices) < 2:
            raise CourseFileError(f"{where}: a choice question needs at least two choices")
        stored = [{"text": _texts(c, "text", where), "correct": bool(c.get("correct"))} for c in choices]
        right = sum(c["correct"] for c in stored)
        if (kind == QuestionType.SINGLE and right != 1) or right == 0:
            raise CourseFileError(f"{where}: single choice needs exactly one correct choice, multiple at least one")
        return {"choices": stored}
    if kind == QuestionType.TRUE_FALSE:
        if not isinstance(item.get("correct"), bool):
            raise CourseFileError(f"{where}: true_false needs correct: true or false")
        return {"correct": item["correct"]}
    if kind == QuestionType.NUMERIC:
        try:
            data = {"answer": float(item["answer"]), "tolerance": float(item.get("tolerance") or 0),
                    "unit": str(item.get("unit") or "")}
        except (KeyError, TypeError, ValueError):
            raise CourseFileError(f"{where}: numeric needs a numeric answer (and tolerance)") from None
        if item.get("tolerance_percent"):
            data["tolerance_percent"] = float(item["tolerance_percent"])
        return data
    accepted = item.get("accepted") or {}
    if not isinstance(accepted, dict) or not any(accepted.values()):
        raise CourseFileError(f"{where}: short_text needs accepted answers per language")
    return {"accepted": {lang: [str(a) for a in answers] for lang, answers in accepted.items()}}


def import_quizzes(course: Course, data, folder: Path, report: ImportReport) -> None:
    where = folder / "course.yaml"
    if not isinstance(data, list):
        raise CourseFileError(f"{where}: 'quizzes' must be a list")
    lessons = {lesson.key: lesson for lesson in db.session.scalars(select(Lesson).where(Lesson.course_id == course.id))}
    modules = {module.key: module for module in course.modules}
    existing = {q.key: q for q in db.session.scalars(select(Quiz).where(Quiz.course_id == course.id))}
    for position, item in enumerate(data):
        key = _key(item, f"{where} quiz {position + 1}")
        lesson, module = lessons.get(item.get("lesson")), modules.get(item.get("module"))
        if (lesson is None) == (module is None):
            raise CourseFileError(f"{where} quiz {key}: attach it to exactly one existing lesson or module")
        values = {"lesson_id": lesson.id if lesson else None, "module_id": module.id if module else None,
                  "title": _texts(item, "title", f"{where} quiz {key}"), "pass_mark": int(item.get("pass_mark", 70)),
                  "attempts_limit": item.get("attempts_limit"), "time_limit_minutes": item.get("time_limit_minutes"),
                  "draw_count": item.get("draw_count"), "shuffle_choices": bool(item.get("shuffle_choices", True)),
                  "position": position}
        quiz = upsert(existing.get(key), partial(Quiz, course_id=course.id, key=key), values, report,
                      f"quiz {course.key}/{key}")
        questions = {q.key: q for q in quiz.questions}
        for q_position, q_item in enumerate(item.get("questions") or []):
            q_key = _key(q_item, f"{where} quiz {key} question {q_position + 1}")
            q_where = f"{where} quiz {key} question {q_key}"
            try:
                kind = QuestionType(q_item.get("type"))
            except ValueError:
                raise CourseFileError(f"{q_where}: unknown type {q_item.get('type')!r}") from None
            q_values = {"type": kind, "text": _texts(q_item, "text", q_where), "points": float(q_item.get("points", 1)),
                        "data": question_data(kind, q_item, q_where), "position": q_position, "is_active": True}
            upsert(questions.get(q_key), partial(Question, course_id=course.id, quiz=quiz, key=q_key), q_values, report,
                   f"question {key}/{q_key}")
    db.session.flush()


register_section("quizzes", import_quizzes)
