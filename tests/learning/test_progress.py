from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core.db import utcnow
from app.core.errors import DomainError
from app.core.permissions import Role
from app.learning import progress
from app.learning.models import LessonProgress, ProgressSource
from tests.factories import create_user
from tests.factories.catalogue import create_course, first_lesson
from tests.factories.enrolment import enrol
from tests.factories.learning import create_quiz


def test_opening_a_lesson_page_records_it(client, login, db):
    course = create_course()
    lesson = first_lesson(course)
    trainee = create_user()
    enrol(trainee, course)
    login(trainee)
    client.get(f"/courses/{course.id}/lessons/{lesson.id}")
    record = db.session.scalar(select(LessonProgress))
    assert record.user_id == trainee.id and record.completed_at is None


def test_reading_to_the_end_counts_only_after_enough_time(db):
    course = create_course()
    lesson = first_lesson(course)
    lesson.body = {"en": " ".join(["word"] * 400)}  # two minutes of reading: at least one minute open
    trainee = create_user(language="en")
    enrol(trainee, course)
    opened = utcnow()
    progress.lesson_opened(trainee, lesson, now=opened)
    with pytest.raises(DomainError, match="Take your time"):
        progress.mark_read(trainee, lesson, now=opened + timedelta(seconds=20))
    record = progress.mark_read(trainee, lesson, now=opened + timedelta(seconds=61))
    assert record.completed_via == ProgressSource.READ


def test_marking_done_by_hand_and_the_dashboard(client, login, db):
    course = create_course(modules=1, lessons_per_module=2)
    create_quiz(course)
    trainee = create_user(language="en")
    enrol(trainee, course)
    login(trainee)
    lesson = first_lesson(course)
    page = client.get(f"/courses/{course.id}/lessons/{lesson.id}").get_data(as_text=True)
    assert "Quizzes</h3>" in page and ">Quiz quiz</a>" in page and "Mark as done" in page
    client.post_form(f"/learning/lessons/{lesson.id}/done")
    html = client.get("/learning/").get_data(as_text=True)
    assert "Lessons: 1 of 2" in html and 'value="33"' in html  # 1 of 2 lessons + 0 of 1 quizzes
    assert "Lesson 1.2" in html  # the next step


def test_a_stranger_cannot_mark_progress(client, login, db):
    course = create_course()
    lesson = first_lesson(course)
    login(create_user(Role.TRAINEE))
    assert client.post_form(f"/learning/lessons/{lesson.id}/done").status_code == 403
    assert db.session.scalar(select(LessonProgress)) is None


def test_a_quiz_titled_with_the_word_quiz_is_not_announced_twice(client, login, db):
    """Course files title quizzes "Test: …" themselves: the lesson page used to say "Test: Test: …"."""
    course = create_course(modules=1, lessons_per_module=1)
    quiz = create_quiz(course)
    quiz.title = {"pl": "Test: bezpieczeństwo laserów klasy 4"}
    trainee = create_user(language="pl")
    enrol(trainee, course)
    db.session.commit()
    login(trainee)
    page = client.get(f"/courses/{course.id}/lessons/{first_lesson(course).id}").get_data(as_text=True)
    assert page.count("Test: bezpieczeństwo laserów klasy 4") == 1
    assert "Test: Test:" not in page and "Testy</h3>" in page


def test_the_bar_says_100_only_for_a_completed_course(client, login, db):
    """Every lesson done while the course's last meeting is still to come: 99 %, not 100 % (the course is not
    complete); in the reader's number format."""
    from tests.factories.training import create_meeting

    course = create_course(modules=1, lessons_per_module=1)
    create_meeting(course, starts_at=utcnow() + timedelta(days=3))
    trainee = create_user(language="pl")
    enrol(trainee, course)
    login(trainee)
    client.post_form(f"/learning/lessons/{first_lesson(course).id}/done")
    html = client.get("/learning/").get_data(as_text=True)
    assert "Postęp: 99%" in html and 'value="99"' in html and "100" not in html.split("Postęp:")[1][:20]
    assert "Ukończono" not in html


def test_the_dashboard_reads_certificates_only_for_someone_who_holds_one(client, login, db):
    from app.certificates.services import revoke
    from app.learning.certificates import issue_for
    from tests.querycount import count_queries

    first, second = create_course(title={"en": "CNC machining"}), create_course(title={"en": "TIG welding"})
    holder, other = create_user(language="en"), create_user(language="en")
    enrol(other, first)
    enrolment = enrol(holder, first)
    enrol(holder, second)
    login(holder)
    client.get("/learning/")  # (the outlines are built on the first view)
    without = count_queries(client, "/learning/", data_only=True)
    assert "No certificates yet." in client.get("/learning/").get_data(as_text=True)

    enrolment.completed_at = utcnow()
    certificate = issue_for(enrolment)
    db.session.commit()
    with_one = count_queries(client, "/learning/", data_only=True)
    html = client.get("/learning/").get_data(as_text=True)
    assert with_one == without + 1
    assert "CNC machining" in html and certificate.code in html and "No certificates yet." not in html

    revoke(certificate, None, "wrong data")  # a revoked one is still listed, as revoked
    db.session.commit()
    html = client.get("/learning/").get_data(as_text=True)
    assert ">revoked<" in html and "CNC machining" in html and certificate.code not in html  # (no links)
    # Someone else's certificate is not theirs.
    login(other)
    assert "No certificates yet." in client.get("/learning/").get_data(as_text=True)
