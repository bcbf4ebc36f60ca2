"""The same person opening the same lesson twice at the same moment (two tabs, a double tap) records one visit
and fails neither request (found by the benchmark: the second INSERT hit the unique key)."""

import threading

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.learning import progress
from app.learning.models import LessonProgress
from tests.conftest import make_test_app
from tests.dbutil import fresh_database, upgrade_to_head
from tests.factories import create_user
from tests.factories.catalogue import create_course, first_lesson


@pytest.mark.parametrize("attempt", range(3))
def test_two_simultaneous_visits_of_one_lesson(backend, tmp_path, attempt):
    with fresh_database(backend, tmp_path) as url:
        app = make_test_app(url, tmp_path / "media")
        upgrade_to_head(app)
        with app.app_context():
            user_id, lesson_id = create_user().id, first_lesson(create_course()).id
        barrier = threading.Barrier(4)
        errors = []

        def visit():
            from app.accounts.models import User
            from app.catalogue.models import Lesson

            with app.app_context():
                user, lesson = db.session.get(User, user_id), db.session.get(Lesson, lesson_id)
                barrier.wait()
                try:
                    progress.lesson_opened(user, lesson)
                    db.session.commit()
                except Exception as error:
                    db.session.rollback()
                    errors.append(error)

        threads = [threading.Thread(target=visit) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        with app.app_context():
            rows = db.session.scalar(select(func.count()).select_from(LessonProgress))
            db.engine.dispose()
        assert rows == 1
        if backend == "postgresql":
            assert errors == []


def test_a_busy_database_does_not_fail_the_lesson_page(client, login, db, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from tests.factories.enrolment import enrol

    course = create_course()
    trainee = create_user()
    enrol(trainee, course)
    lesson = first_lesson(course)

    def busy(*args, **kwargs):
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr(progress, "record_visit", busy)
    login(trainee)
    assert client.get(f"/courses/{course.id}/lessons/{lesson.id}").status_code == 200
    assert db.session.scalar(select(func.count()).select_from(LessonProgress)) == 0
