"""Quiz attempts: drawing and shuffling questions, time and attempt limits, grading on the server.

The browser only ever receives the *presented* part of an attempt's snapshot: question texts, units and the
choices under per-attempt random ids. Correct flags, answers, tolerances and accepted texts stay in ``key_data``
on the server until the attempt is submitted.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from random import SystemRandom

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.accounts.models import User
from app.core.audit import record_event
from app.core.db import utcnow
from app.core.errors import DomainError
from app.extensions import db
from app.learning.grading import grade
from app.learning.models import Question, QuestionType, Quiz, QuizAttempt
from app.learning.policies import can_answer_attempt, can_take_quiz

#: A submission this long after the deadline is still accepted (network delays); later ones are not graded.
GRACE = timedelta(seconds=30)
_random = SystemRandom()


def attempts_used(quiz: Quiz, user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(QuizAttempt).where(
        QuizAttempt.quiz_id == quiz.id, QuizAttempt.user_id == user.id)) or 0


def open_attempt(quiz: Quiz, user: User) -> QuizAttempt | None:
    return db.session.scalar(select(QuizAttempt).where(QuizAttempt.quiz_id == quiz.id, QuizAttempt.user_id == user.id,
                                                       QuizAttempt.submitted_at.is_(None)))


def _snapshot(question: Question, shuffle: bool) -> dict:
    item = {"qid": question.id, "key": question.key, "type": question.type.value, "text": question.text,
            "points": question.points, "unit": question.data.get("unit") if question.type == QuestionType.NUMERIC
            else None}
    if question.type in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        choices = [{"id": secrets.token_hex(4), "text": c["text"], "correct": bool(c.get("correct"))}
                   for c in question.data.get("choices", [])]
        if shuffle:
            _random.shuffle(choices)
        item["choices"] = [{"id": c["id"], "text": c["text"]} for c in choices]
        item["key_data"] = {"choices": [{"id": c["id"], "correct": c["correct"]} for c in choices]}
    else:
        item["key_data"] = dict(question.data)
    return item


def start_attempt(quiz: Quiz, user: User, now: datetime | None = None) -> QuizAttempt:
    """Resume the open attempt or start a new one within the attempts limit."""
    now = now or utcnow()
    if not can_take_quiz(user, quiz):
        raise DomainError(_l("Enrol in the course to take its quizzes."))
    current = open_attempt(quiz, user)
    if current is not None and (current.deadline is None or now <= current.deadline + GRACE):
        return current
    if current is not None:
        close_expired(current, now)
    if quiz.attempts_limit is not None and attempts_used(quiz, user) >= quiz.attempts_limit:
        raise DomainError(_l("You have used all %(n)s attempts of this quiz.", n=quiz.attempts_limit))
    pool = [q for q in quiz.questions if q.is_active]
    if not pool:
        raise DomainError(_l("This quiz has no questions yet."))
    if quiz.draw_count and quiz.draw_count < len(pool):
        pool = _random.sample(pool, quiz.draw_count)
        pool.sort(key=lambda q: (q.position, q.id))
    attempt = QuizAttempt(quiz_id=quiz.id, user_id=user.id, started_at=now,
                          deadline=now + timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes
                          else None, snapshot=[_snapshot(q, quiz.shuffle_choices) for q in pool])
    db.session.add(attempt)
    db.session.flush()
    return attempt


def presented(attempt: QuizAttempt) -> list[dict]:
    """What the browser may see of the attempt before it is submitted (no answer key)."""
    return [{k: v for k, v in item.items() if k != "key_data"} for item in attempt.snapshot]


def close_expired(attempt: QuizAttempt, now: datetime) -> None:
    attempt.submitted_at, attempt.expired = now, True
    attempt.score, attempt.max_score = 0.0, sum(float(i["points"]) for i in attempt.snapshot)
    attempt.percent, attempt.passed, attempt.answers, attempt.results = 0.0, False, {}, []
    db.session.flush()


def unanswered(answers: dict[str, object]) -> list[int]:
    """The numbers (1, 2, ...) of the questions left blank, as the trainee sees them numbered."""
    return sorted(int(key) + 1 for key, value in answers.items()
                  if value is None or value == [] or (isinstance(value, str) and not value.strip()))


def time_is_up(attempt: QuizAttempt, now: datetime | None = None) -> bool:
    return attempt.deadline is not None and (now or utcnow()) > attempt.deadline


def submit_attempt(attempt: QuizAttempt, user: User, answers: dict[str, object],
                   now: datetime | None = None) -> QuizAttempt:
    """Grade the answers (keyed by question position, "0", "1", ...) unless the time is up."""
    now = now or utcnow()
    if not can_answer_attempt(user, attempt):
        raise DomainError(_l("This is not your attempt."))
    if attempt.submitted_at is not None:
        raise DomainError(_l("This attempt has already been submitted."))
    if attempt.deadline is not None and now > attempt.deadline + GRACE:
        close_expired(attempt, now)
        attempt.answers = {k: v for k, v in answers.items()}
        record_event("learning.quiz_submitted", actor=user, obj=attempt, after={"expired": True})
        from app.learning.completion import evaluate_for

        evaluate_for(user, attempt.quiz.course_id, user, cause=f"quiz {attempt.quiz.key} attempt expired")
        raise DomainError(_l("The time limit has passed: this attempt was closed without counting the answers."))
    results, score, maximum = [], 0.0, 0.0
    for index, item in enumerate(attempt.snapshot):
        graded = grade(item, answers.get(str(index)))
        results.append({"points": graded.points, "correct": graded.correct})
        score += graded.points
        maximum += float(item["points"])
    attempt.answers, attempt.results, attempt.submitted_at = answers, results, now
    attempt.score, attempt.max_score = round(score, 4), maximum
    attempt.percent = round(100 * score / maximum, 2) if maximum else 0.0
    attempt.passed = attempt.percent >= attempt.quiz.pass_mark
    db.session.flush()
    record_event("learning.quiz_submitted", actor=user, obj=attempt,
                 after={"quiz": attempt.quiz_id, "percent": attempt.percent, "passed": attempt.passed})
    from app.learning.completion import evaluate_for

    evaluate_for(user, attempt.quiz.course_id, user, cause=f"quiz {attempt.quiz.key} submitted")
    return attempt
