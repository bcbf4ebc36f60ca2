"""The course and lesson pages read the course outline from a real cache (per process, and Redis as in
production): it is reused, yet every edit shows on the next view, each reader gets their language, and what only
trainers may see never reaches a trainee."""

import os
import uuid

import pytest
import redis
from sqlalchemy import event, update

from app.catalogue.models import CourseStatus, Material, MaterialKind, MaterialStatus, MediaStatus
from app.catalogue.outline import forget_local
from app.core.db import utcnow
from app.core.permissions import Role
from app.extensions import cache
from tests.factories import create_user
from tests.factories.catalogue import create_course, create_material, first_lesson
from tests.factories.enrolment import enrol
from tests.factories.learning import create_quiz

REDIS_URL = "redis://127.0.0.1:6379/3"  # the tests' Redis (tests/jobs/conftest.py); keys under a prefix of each test


def redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


CACHES = ["simple", "redis"] if redis_available() or os.environ.get("MCC_REQUIRE_REDIS") == "1" else ["simple"]
OUTLINE_TABLES = ("FROM modules", "FROM lessons", "FROM materials", "FROM captions", "FROM quizzes")


@pytest.fixture(params=CACHES)
def real_cache(request, app, db):
    """The app's cache as configured outside the tests (which otherwise cache nothing)."""
    prefix = f"mcc-test-{uuid.uuid4().hex[:10]}:"
    config = {"CACHE_TYPE": "SimpleCache"} if request.param == "simple" else {
        "CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": REDIS_URL, "CACHE_KEY_PREFIX": prefix}
    cache.init_app(app, config=config)
    forget_local()
    try:
        yield request.param
    finally:
        if request.param == "redis":
            client = redis.Redis.from_url(REDIS_URL)
            for key in client.scan_iter(f"{prefix}*"):
                client.delete(key)
        cache.init_app(app, config={"CACHE_TYPE": "NullCache"})
        forget_local()


def outline_statements(client, path: str) -> list[str]:
    from app.extensions import db

    statements = []

    def record(conn, cursor, statement, *args):
        if any(table in statement for table in OUTLINE_TABLES):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return statements


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def setup_course(db):
    trainer = create_user(Role.TRAINER)
    course = create_course(trainers=[trainer], modules=2)
    lesson = first_lesson(course)
    trainee = create_user(language="en")
    enrol(trainee, course)
    return course, lesson, trainer, trainee


def test_the_outline_is_built_once_and_reused(real_cache, client, login, db):
    course, lesson, _trainer, trainee = setup_course(db)
    login(trainee)
    assert outline_statements(client, f"/courses/{course.id}")  # built on the first view
    assert outline_statements(client, f"/courses/{course.id}") == []
    lesson_page = f"/courses/{course.id}/lessons/{lesson.id}"
    # The same outline; only the lesson's text is read (once: it is kept rendered, per language).
    assert [s for s in outline_statements(client, lesson_page) if "lessons.body" not in s] == []
    assert outline_statements(client, lesson_page) == []
    if real_cache == "redis":  # another process (nothing in its memory) takes it from Redis
        forget_local()
        assert outline_statements(client, f"/courses/{course.id}") == []


def test_every_kind_of_edit_shows_on_the_next_view(real_cache, client, login, db):
    course, lesson, trainer, trainee = setup_course(db)
    material = create_material(lesson, filename="karta.pdf")
    quiz = create_quiz(course, lesson=lesson, kinds=("true_false",))
    course_page, lesson_page = f"/courses/{course.id}", f"/courses/{course.id}/lessons/{lesson.id}"
    login(trainee)
    assert "Lesson 1.1" in page(client, course_page) and "karta.pdf" in page(client, lesson_page)

    course.modules[0].title = {"en": "Welding basics"}
    db.session.commit()
    assert "Welding basics" in page(client, course_page)
    lesson.title = {"en": "Safety first"}
    db.session.commit()
    assert "Safety first" in page(client, course_page)
    material.title = {"en": "Safety sheet"}
    db.session.commit()
    assert "Safety sheet" in page(client, lesson_page)
    quiz.title = {"en": "Safety quiz"}
    db.session.commit()
    assert "Safety quiz" in page(client, lesson_page)

    # A material a worker is still checking disappears for the trainee and comes back once ready.
    material.status = MaterialStatus.PROCESSING
    db.session.commit()
    assert "Safety sheet" not in page(client, lesson_page)
    material.status = MaterialStatus.READY
    db.session.commit()
    assert "Safety sheet" in page(client, lesson_page)
    material.deleted_at = utcnow()
    db.session.commit()
    assert "Safety sheet" not in page(client, lesson_page)

    # The worker's progress statement (not an ORM change) shows on the trainer's page.
    video = create_material(lesson, filename="film.mp4", kind=MaterialKind.VIDEO, content_type="video/mp4",
                            status=MaterialStatus.PROCESSING, media_status=MediaStatus.PROCESSING)
    login(trainer)
    assert "0%" in page(client, lesson_page)
    db.session.execute(update(Material).where(Material.id == video.id).values(media_progress=42))
    db.session.commit()
    assert "42%" in page(client, lesson_page)

    # Unpublished: the trainee no longer gets the course page (nor the lessons), the trainer still does.
    course.status = CourseStatus.DRAFT
    db.session.commit()
    assert client.get(course_page).status_code == 200
    login(trainee)
    assert client.get(course_page).status_code in (403, 404)
    assert client.get(lesson_page).status_code in (403, 404)


def test_the_authoring_pages_change_what_trainees_see(real_cache, client, login, db):
    course, lesson, trainer, trainee = setup_course(db)
    login(trainee)
    assert "Lesson 1.1" in page(client, f"/courses/{course.id}")
    login(trainer)
    response = client.post_form(f"/teach/lessons/{lesson.id}", {
        "title_en": "Reading drawings", "title_pl": "Czytanie rysunków", "body_en": "Text", "body_pl": "Tekst",
        "module": lesson.module_id, "duration_minutes": 20})
    assert response.status_code in (302, 303), response.status_code
    login(trainee)
    assert "Reading drawings" in page(client, f"/courses/{course.id}")


def test_two_languages_get_their_own_titles_from_one_outline(real_cache, client, login, db):
    course, lesson, _trainer, trainee = setup_course(db)
    polish = create_user(language="pl")
    enrol(polish, course)
    login(trainee)
    assert "Lesson 1.1" in page(client, f"/courses/{course.id}")
    login(polish)
    html = page(client, f"/courses/{course.id}")
    assert "Lekcja 1.1" in html and "Lesson 1.1" not in html
    assert "Tekst" in page(client, f"/courses/{course.id}/lessons/{lesson.id}")  # the lesson text as well
    login(trainee)
    assert "Some <strong>text</strong>" in page(client, f"/courses/{course.id}/lessons/{lesson.id}")


def test_a_trainee_never_sees_what_only_the_trainers_see(real_cache, client, login, db):
    course, lesson, trainer, trainee = setup_course(db)
    create_material(lesson, filename="checked.pdf", status=MaterialStatus.PROCESSING)
    create_material(lesson, filename="removed.pdf", deleted_at=utcnow())
    path = f"/courses/{course.id}/lessons/{lesson.id}"
    login(trainer)  # the trainer fills the cache first
    assert "checked.pdf" in page(client, path)
    login(trainee)
    html = page(client, path)
    assert "checked.pdf" not in html and "removed.pdf" not in html
    assert f'href="/courses/{course.id}/lessons/' in page(client, f"/courses/{course.id}")
    # Someone not enrolled sees the programme without links into the lessons (from the same outline).
    stranger = create_user()
    login(stranger)
    html = page(client, f"/courses/{course.id}")
    assert "Lesson 1.1" in html and f"/courses/{course.id}/lessons/" not in html
    assert client.get(path).status_code == 403


def test_a_lesson_of_another_course_is_not_found(real_cache, client, login, db):
    course, _lesson, _trainer, trainee = setup_course(db)
    other = create_course()
    login(trainee)
    assert client.get(f"/courses/{course.id}/lessons/{first_lesson(other).id}").status_code == 404
    assert client.get(f"/courses/{course.id}/lessons/99999999999").status_code == 404


def test_the_progress_page_reads_lessons_and_quizzes_from_the_outlines(real_cache, client, login, db):
    _course, lesson, _trainer, trainee = setup_course(db)
    other = create_course()
    enrol(trainee, other)
    login(trainee)
    assert outline_statements(client, "/learning/")  # built together on the first view
    assert outline_statements(client, "/learning/") == []
    if real_cache == "redis":
        forget_local()
        assert outline_statements(client, "/learning/") == []
    lesson.title = {"en": "Start here"}
    db.session.commit()
    html = page(client, "/learning/")
    assert "Start here" in html and "Lesson 1.1" in html  # the other course's next lesson is unchanged
