"""Quiz answers written offline and sent by the offline queue: graded once, however often they are sent."""

from sqlalchemy import func, select

from app.learning.models import QuizAttempt
from app.offline.models import ReplayKey
from tests.learning.test_quizzes import correct_answers, start

KEY = "5e0c9a8b-1d2f-4c3b-8a7e-6f5d4c3b2a10"


def test_answers_sent_twice_with_one_key_are_graded_once(client, db, taking_quiz):
    url = start(client, taking_quiz().quiz)
    attempt_id = int(url.rstrip("/").rsplit("/", 1)[-1])
    answers = correct_answers(db, attempt_id)
    first = client.post_form(url, answers, headers={"Idempotency-Key": KEY})
    assert first.status_code == 303 and first.headers["Location"].endswith("/result")
    again = client.post_form(url, answers, headers={"Idempotency-Key": KEY})
    assert again.status_code == 200 and again.json["duplicate"] is True
    db.session.expire_all()
    attempt = db.session.get(QuizAttempt, attempt_id)
    assert attempt.submitted_at is not None and attempt.passed
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 1
    assert db.session.scalar(select(func.count()).select_from(ReplayKey)) == 1
