from sqlalchemy import select

from app.core.permissions import Role
from app.learning.models import Question, QuestionType, Quiz
from tests.factories import create_user
from tests.factories.catalogue import create_course, first_lesson


def test_a_trainer_builds_a_quiz_with_questions_in_the_browser(client, login, db):
    trainer = create_user(Role.TRAINER, language="en")
    course = create_course(trainers=[trainer])
    login(trainer)
    response = client.post_form(f"/teach/courses/{course.id}/quizzes/new", {
        "title_pl": "Test BHP", "title_lt": "", "title_en": "Safety quiz",
        "anchor": f"lesson:{first_lesson(course).id}", "pass_mark": "80", "attempts_limit": "2",
        "time_limit_minutes": "", "draw_count": "", "shuffle_choices": "y"})
    assert response.status_code == 303
    quiz = db.session.scalar(select(Quiz))
    base = {"text_pl": "Pytanie", "text_lt": "", "text_en": "Question", "points": "1", "choices": "",
            "correct_true": "true", "answer": "", "tolerance": "", "unit": "", "accepted": ""}
    bad = client.post_form(f"/teach/quizzes/{quiz.id}/questions/new", {**base, "type": "single",
                                                                       "choices": "* G00\n* G01\nG02"})
    assert bad.status_code == 422 and "Mark exactly one choice as correct with *." in bad.get_data(as_text=True)
    client.post_form(f"/teach/quizzes/{quiz.id}/questions/new", {**base, "type": "single", "choices": "* G00\nG01"})
    client.post_form(f"/teach/quizzes/{quiz.id}/questions/new", {**base, "type": "numeric", "answer": "1273.2",
                                                                 "tolerance": "5", "unit": "min^-1"})
    questions = db.session.scalars(select(Question).order_by(Question.id)).all()
    assert [q.type for q in questions] == [QuestionType.SINGLE, QuestionType.NUMERIC]
    assert questions[1].data == {"answer": 1273.2, "tolerance": 5.0, "unit": "min^-1"}
    client.post_form(f"/teach/questions/{questions[0].id}/retire")
    db.session.refresh(questions[0])
    assert not questions[0].is_active


def test_trainers_of_other_courses_and_trainees_cannot_author(client, login, db):
    course = create_course(trainers=[create_user(Role.TRAINER)])
    for role in (Role.TRAINER, Role.TRAINEE):
        login(create_user(role))
        assert client.get(f"/teach/courses/{course.id}/quizzes/new").status_code == 403
        client.post_form("/logout")
