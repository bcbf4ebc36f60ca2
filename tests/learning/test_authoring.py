from sqlalchemy import select

from app.core.permissions import Role
from app.learning.models import Question, QuestionType, Quiz
from tests.factories import create_user
from tests.factories.catalogue import create_course, first_lesson
from tests.factories.learning import create_quiz


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
    quiz = create_quiz(course, kinds=("single",))
    question = quiz.questions[0]
    for role in (Role.TRAINER, Role.TRAINEE):
        login(create_user(role))
        assert client.get(f"/teach/courses/{course.id}/quizzes/new").status_code == 403
        assert client.post_form(f"/teach/courses/{course.id}/quizzes/new", {
            "title_en": "Hijacked", "anchor": f"lesson:{first_lesson(course).id}", "pass_mark": "50"}).status_code \
            == 403
        assert client.post_form(f"/teach/quizzes/{quiz.id}", {
            "title_en": "Hijacked", "anchor": f"lesson:{first_lesson(course).id}", "pass_mark": "1"}).status_code \
            == 403
        assert client.post_form(f"/teach/questions/{question.id}/retire").status_code == 403
        client.post_form("/logout")
    db.session.expire_all()
    assert db.session.scalars(select(Quiz)).all() == [quiz]
    assert quiz.pass_mark == 60 and question.is_active


def test_every_authoring_page_opens_for_the_courses_trainer(client, login, db):
    trainer = create_user(Role.TRAINER)
    course = create_course(trainers=[trainer])
    quiz = create_quiz(course)
    login(trainer)
    for url in ("/teach/courses/new", f"/teach/courses/{course.id}", f"/teach/modules/{course.modules[0].id}",
                f"/teach/lessons/{first_lesson(course).id}", f"/teach/courses/{course.id}/learning",
                f"/teach/courses/{course.id}/quizzes/new", f"/teach/quizzes/{quiz.id}",
                f"/teach/quizzes/{quiz.id}/questions/new", f"/teach/questions/{quiz.questions[0].id}"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'name="csrf_token"' in response.get_data(as_text=True), url
