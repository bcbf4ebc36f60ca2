"""Quizzes through the app: no answers reach the browser early, limits are enforced by the server."""

import re
from datetime import timedelta

from sqlalchemy import select

from app.core.db import utcnow
from app.core.permissions import Role
from app.learning.models import QuizAttempt
from tests.factories import create_user


def start(client, quiz):
    response = client.post_form(f"/learning/quizzes/{quiz.id}/start")
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"]


def correct_answers(db, attempt_id: int) -> dict:
    """What a perfect trainee would send, read from the server-side snapshot (as the test's oracle)."""
    attempt = db.session.get(QuizAttempt, attempt_id)
    answers = {}
    for index, item in enumerate(attempt.snapshot):
        key = item["key_data"]
        if item["type"] == "single":
            answers[f"q{index}"] = next(c["id"] for c in key["choices"] if c["correct"])
        elif item["type"] == "multiple":
            answers[f"q{index}"] = [c["id"] for c in key["choices"] if c["correct"]]
        elif item["type"] == "true_false":
            answers[f"q{index}"] = "true" if key["correct"] else "false"
        elif item["type"] == "numeric":
            answers[f"q{index}"] = f"{key['answer']} {key['unit']}"
        else:
            answers[f"q{index}"] = next(iter(key["accepted"].values()))[0]
    return answers


def test_the_quiz_page_holds_no_correct_answers(client, db, taking_quiz):
    quiz = taking_quiz().quiz
    html = client.get(start(client, quiz)).get_data(as_text=True)
    attempt = db.session.scalar(select(QuizAttempt))
    for item in attempt.snapshot:
        key = item["key_data"]
        for choice in key.get("choices", []):
            assert f'value="{choice["id"]}"' in html  # every choice is offered...
        if item["type"] == "numeric":
            assert "1273.2" not in html and "tolerance" not in html
        if item["type"] == "short_text":
            assert "M30" not in html
    assert not re.search(r"correct|key_data|accepted", html, re.IGNORECASE)  # ...but nothing says which is right
    assert "G00" in html and "Argon" in html


def test_a_perfect_attempt_passes_and_the_result_shows_the_key_afterwards(client, db, taking_quiz):
    url = start(client, taking_quiz().quiz)
    attempt_id = int(url.rstrip("/").split("/")[-1])
    response = client.post_form(url, correct_answers(db, attempt_id))
    assert response.status_code == 303
    attempt = db.session.get(QuizAttempt, attempt_id)
    db.session.refresh(attempt)
    assert attempt.passed and attempt.percent == 100
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Correct answer:" in result and "1,273.2 min⁻¹ (± 5)" in result  # the reader's numbers, a real exponent


def test_a_wrong_attempt_fails(client, db, taking_quiz):
    url = start(client, taking_quiz(pass_mark=60).quiz)
    client.post_form(url, {"q3": "99999", "q4": "M05", "submit_blank": "1"})
    attempt = db.session.scalar(select(QuizAttempt))
    db.session.refresh(attempt)
    assert attempt.submitted_at and not attempt.passed and attempt.percent == 0


def test_the_attempts_limit_is_enforced_on_the_server(client, db, taking_quiz):
    quiz = taking_quiz(attempts_limit=2, language="pl").quiz
    for _ in range(2):
        client.post_form(start(client, quiz), {"submit_blank": "1"})
    response = client.post_form(f"/learning/quizzes/{quiz.id}/start", follow_redirects=True)
    assert "Wykorzystano wszystkie podejścia do tego testu (2)." in response.get_data(as_text=True)
    assert len(db.session.scalars(select(QuizAttempt)).all()) == 2


def test_the_time_limit_is_enforced_on_the_server(client, db, taking_quiz):
    url = start(client, taking_quiz(time_limit_minutes=10).quiz)
    attempt = db.session.scalar(select(QuizAttempt))
    answers = correct_answers(db, attempt.id)
    attempt.started_at = utcnow() - timedelta(minutes=12)
    attempt.deadline = utcnow() - timedelta(minutes=2)  # as if the trainee waited past the limit
    db.session.commit()
    response = client.post_form(url, answers, follow_redirects=True)
    assert "The time limit has passed" in response.get_data(as_text=True)
    db.session.refresh(attempt)
    assert attempt.expired and attempt.score == 0 and not attempt.passed


def test_submitting_twice_is_refused(client, db, taking_quiz):
    url = start(client, taking_quiz().quiz)
    client.post_form(url, {"submit_blank": "1"})
    assert client.post_form(url, {"submit_blank": "1"}).status_code == 303  # the result page, not a second grading
    assert len(db.session.scalars(select(QuizAttempt)).all()) == 1


def test_questions_are_drawn_and_shuffled(db, enrolled_quiz):
    from app.learning.quizzes import start_attempt

    setup = enrolled_quiz(draw_count=3)
    quiz, trainee = setup.quiz, setup.trainee
    quiz.shuffle_choices = True
    keys, orders = set(), set()
    for _ in range(15):
        attempt = start_attempt(quiz, trainee)
        assert len(attempt.snapshot) == 3
        keys.add(tuple(item["key"] for item in attempt.snapshot))
        single = next((i for i in attempt.snapshot if i["type"] == "single"), None)
        if single:
            orders.add(tuple(c["text"]["en"] for c in single["choices"]))
        attempt.submitted_at = utcnow()
    assert len(keys) > 1 and len(orders) > 1


def test_others_cannot_take_or_see_an_attempt(client, login, db, taking_quiz):
    quiz = taking_quiz().quiz
    url = start(client, quiz)
    client.post_form("/logout")
    login(create_user())
    assert client.get(f"/learning/quizzes/{quiz.id}").status_code == 403  # not enrolled
    assert client.get(url).status_code == 403
    assert client.post_form(f"/learning/quizzes/{quiz.id}/start").status_code == 403
    assert client.post_form(url, {}).status_code == 403
    db.session.expire_all()
    attempts = db.session.scalars(select(QuizAttempt)).all()
    assert len(attempts) == 1 and attempts[0].submitted_at is None  # neither a new attempt nor an answer


def test_a_result_is_seen_by_its_owner_and_coordinators_only(client, login, db, taking_quiz):
    url = start(client, taking_quiz().quiz)
    result = client.post_form(url, {"submit_blank": "1"}).headers["Location"]
    assert client.get(result).status_code == 200
    login(create_user())
    assert client.get(result).status_code == 403
    login(create_user(Role.TRAINER))
    assert client.get(result).status_code == 403
    login(create_user(Role.COORDINATOR))
    assert client.get(result).status_code == 200


def test_blank_answers_are_asked_about_once_and_kept(client, db, taking_quiz):
    url = start(client, taking_quiz(language="pl").quiz)
    attempt_id = int(url.rstrip("/").split("/")[-1])
    answers = correct_answers(db, attempt_id)
    given = {"q0": answers["q0"], "q3": answers["q3"]}
    response = client.post_form(url, given)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Pytania 2, 3, 5 nie mają odpowiedzi." in html and "Wyślij mimo to" in html
    assert re.search(rf'value="{answers["q0"]}"[^>]*checked|checked[^>]*value="{answers["q0"]}"', html)  # kept
    db.session.expire_all()
    assert db.session.get(QuizAttempt, attempt_id).submitted_at is None  # nothing graded yet

    assert client.post_form(url, {**given, "submit_blank": "1"}).status_code == 303
    attempt = db.session.get(QuizAttempt, attempt_id)
    db.session.refresh(attempt)
    assert attempt.submitted_at is not None and attempt.percent > 0


def test_a_complete_attempt_is_not_asked_about(client, db, taking_quiz):
    url = start(client, taking_quiz().quiz)
    attempt_id = int(url.rstrip("/").split("/")[-1])
    assert client.post_form(url, correct_answers(db, attempt_id)).status_code == 303


def test_past_the_time_limit_blank_answers_are_not_asked_about(client, db, taking_quiz):
    url = start(client, taking_quiz(time_limit_minutes=10).quiz)
    attempt = db.session.scalar(select(QuizAttempt))
    attempt.deadline = utcnow() - timedelta(minutes=2)
    db.session.commit()
    response = client.post_form(url, {}, follow_redirects=True)
    assert "The time limit has passed" in response.get_data(as_text=True)
    db.session.refresh(attempt)
    assert attempt.expired


def test_the_result_shows_the_trainees_own_answers(client, db, taking_quiz):
    url = start(client, taking_quiz(language="pl").quiz)
    attempt_id = int(url.rstrip("/").split("/")[-1])
    answers = correct_answers(db, attempt_id)
    result = client.post_form(url, {"q0": answers["q0"], "q2": "false", "q3": "99999", "q4": "M05",
                                    "submit_blank": "1"}).headers["Location"]
    html = client.get(result).get_data(as_text=True)
    attempt = db.session.get(QuizAttempt, attempt_id)
    single = attempt.snapshot[0]
    chosen = next(c for c in single["choices"] if c["id"] == answers["q0"])["text"]["en"]
    mine = re.findall(r"Twoja odpowiedź:\s*(.*?)</p>", html, re.S)
    assert len(mine) == 5
    assert chosen in mine[0]
    assert "brak odpowiedzi" in mine[1]  # the multiple-choice question was left blank
    assert "Fałsz" in mine[2] and "99999 min⁻¹" in mine[3] and "M05" in mine[4]
    assert "Poprawna odpowiedź: 1\xa0273,2 min⁻¹ (± 5)" in html  # Polish digits, the unit as printed


def test_the_result_writes_the_score_as_a_polish_percentage(client, db, taking_quiz):
    url = start(client, taking_quiz(language="pl").quiz)
    attempt_id = int(url.rstrip("/").split("/")[-1])
    answers = correct_answers(db, attempt_id)
    result = client.post_form(url, {**answers, "q1": [], "submit_blank": "1"}).headers["Location"]
    html = client.get(result).get_data(as_text=True)
    score = db.session.get(QuizAttempt, attempt_id).percent
    assert score not in (0, 100)
    written = f"{score:.1f}".rstrip("0").rstrip(".").replace(".", ",") + "%"
    assert f": {written}</h1>" in html and f"{score:.1f}%" not in html  # "80%", not "80.0%"
