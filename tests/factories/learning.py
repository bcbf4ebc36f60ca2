"""Builders for quizzes with one question of each type."""

from __future__ import annotations

from app.extensions import db
from app.learning.models import Question, QuestionType, Quiz

T = lambda text: {"en": text, "pl": text, "lt": text}  # noqa: E731


def create_quiz(course, *, lesson=None, key: str = "quiz", pass_mark: int = 60, attempts_limit=None,
                time_limit_minutes=None, draw_count=None, kinds=("single", "multiple", "true_false", "numeric",
                                                                  "short_text")) -> Quiz:
    lesson = lesson or course.modules[0].lessons[0]
    quiz = Quiz(course_id=course.id, key=key, lesson_id=lesson.id, title=T("Quiz " + key), pass_mark=pass_mark,
                attempts_limit=attempts_limit, time_limit_minutes=time_limit_minutes, draw_count=draw_count)
    db.session.add(quiz)
    db.session.flush()
    bank = {
        "single": (T("Which code is a rapid move?"), {"choices": [
            {"text": T("G00"), "correct": True}, {"text": T("G01"), "correct": False},
            {"text": T("G02"), "correct": False}]}),
        "multiple": (T("Which gases are inert?"), {"choices": [
            {"text": T("Argon"), "correct": True}, {"text": T("Helium"), "correct": True},
            {"text": T("CO2"), "correct": False}, {"text": T("Oxygen"), "correct": False}]}),
        "true_false": (T("TIG may use an Ar/CO2 mix."), {"correct": False}),
        "numeric": (T("Spindle speed for vc=200, D=50?"), {"answer": 1273.2, "tolerance": 5, "unit": "min^-1"}),
        "short_text": (T("Which M code ends the program?"), {"accepted": {"en": ["M30"], "pl": ["M30"]}}),
    }
    for position, kind in enumerate(kinds):
        text, data = bank[kind]
        db.session.add(Question(course_id=course.id, quiz=quiz, key=f"q-{kind}", type=QuestionType(kind), text=text,
                                points=1, data=data, position=position))
    db.session.commit()
    return quiz
