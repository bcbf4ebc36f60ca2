"""The pages `make bench` drives run a number of SQL queries that does not grow with the data: measured once
with 10 trainees in the course and again with 1,000 (and many more courses, enrolments, progress and
attendance)."""

from datetime import timedelta

import pytest
from sqlalchemy import insert, select, update

from app.accounts.models import Country, User
from app.catalogue.models import CourseStatus, MaterialStatus
from app.catalogue.outline import forget_local
from app.core.db import utcnow
from app.core.permissions import Role
from app.enrolment.models import Enrolment, EnrolmentStatus
from app.extensions import cache, db
from app.learning import progress
from app.learning.models import LessonProgress
from app.training.models import Attendance, AttendanceMethod, AttendanceStatus
from tests.catalogue.samples import PDF
from tests.factories import create_user
from tests.factories.catalogue import create_course, create_material, first_lesson
from tests.factories.enrolment import enrol
from tests.factories.training import create_meeting
from tests.querycount import count_queries


def grow(courses: int, people: int, meeting, lesson) -> None:
    """Other courses, and people enrolled with progress and attendance in the measured course."""
    for _ in range(courses):
        create_course(modules=2, lessons_per_module=3)
    now = utcnow()
    first = db.session.scalar(db.select(db.func.count()).select_from(User))
    ids = db.session.scalars(insert(User).returning(User.id), [
        {"email": f"grow{first + n}@example.com", "full_name": f"Żaneta Šimkutė {first + n}", "role": Role.TRAINEE,
         "country": Country.LT, "language": "lt", "timezone": "Europe/Vilnius", "is_active": True}
        for n in range(people)]).all()
    db.session.execute(insert(Enrolment), [{"user_id": i, "course_id": meeting.course_id,
                                            "status": EnrolmentStatus.ENROLLED} for i in ids])
    db.session.execute(insert(Attendance), [{"session_id": meeting.id, "user_id": i,
                                             "status": AttendanceStatus.PRESENT, "method": AttendanceMethod.ROSTER}
                                            for i in ids])
    db.session.execute(insert(LessonProgress), [{"user_id": i, "lesson_id": lesson.id, "course_id": lesson.course_id,
                                                 "first_opened_at": now, "last_opened_at": now} for i in ids])
    db.session.commit()


def test_every_benchmarked_page_runs_a_constant_number_of_queries(client, login, db):
    trainer = create_user(Role.TRAINER)
    course = create_course(trainers=[trainer], modules=3, lessons_per_module=4)
    lesson = first_lesson(course)
    material = create_material(lesson, data=PDF, filename="karta.pdf")
    meeting = create_meeting(course, trainer=trainer, starts_at=utcnow() - timedelta(hours=1))
    create_meeting(course, trainer=trainer, starts_at=utcnow() + timedelta(days=3))
    trainee = create_user()
    enrol(trainee, course)
    for _ in range(2):
        enrol(trainee, create_course())
    pages = {"trainee": [f"/courses/{course.id}", f"/courses/{course.id}/lessons/{lesson.id}", "/learning/",
                         f"/materials/{material.id}/file", "/my/training"],
             "trainer": [f"/meetings/{meeting.id}/roster", f"/meetings/{meeting.id}"],
             None: ["/courses/", "/directory/"]}

    def measure() -> dict[str, int]:
        counts = {}
        for who, paths in pages.items():
            if who is None:
                client.post_form("/logout")
            else:
                login(trainee if who == "trainee" else trainer)
            counts |= {path: count_queries(client, path) for path in paths}
        return counts

    grow(2, 9, meeting, lesson)  # 10 trainees with ours
    measure()  # first visits create things once (the trainee's calendar token)
    small = measure()
    grow(20, 990, meeting, lesson)  # 1,000
    for _ in range(3):  # the trainee's own dashboard must not grow with their number of courses either
        enrol(trainee, create_course())
    assert measure() == small


def test_a_material_download_is_authorised_in_one_query(app, client, login, db):
    """The person (their login), the material with its course and the enrolment in one statement; the policies
    decide on what it read. A stranger, a revoked login and nobody are still refused."""
    course = create_course()
    material = create_material(first_lesson(course), data=PDF, filename="karta.pdf")
    path = f"/materials/{material.id}/file"
    trainee = create_user()
    enrol(trainee, course)
    response = client.post_form("/login", {"email": trainee.email, "password": "correct horse battery",
                                           "remember": "y"})
    assert response.status_code == 303
    assert count_queries(client, path, data_only=True) == 1
    assert client.get(f"/materials/{material.id + 1000}/file").status_code == 404
    # Only the remember-me cookie (a browser reopened): Flask-Login loads the person, then the same check.
    reopened = app.test_client()
    reopened.set_cookie("remember_token", client.get_cookie("remember_token").value)
    assert reopened.get(path).status_code == 200
    client.post_form("/logout")
    assert reopened.get(path).status_code == 302  # the login ended: back to the login page
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.location
    login(create_user())  # logged in, not enrolled
    assert client.get(path).status_code == 403


def test_a_trainees_lean_download_decides_as_the_full_path(app, client, db):
    """A trainee with a session is answered on plain columns (``sessions.caller_with``, no ORM object); the same
    trainee from a remember-me cookie alone takes the ORM path. Both answer every case alike."""
    course = create_course()
    lesson = first_lesson(course)
    pdf = create_material(lesson, data=PDF, filename="karta.pdf")
    hidden = create_material(lesson, data=PDF, filename="usunięta.pdf", deleted_at=utcnow())
    checking = create_material(lesson, data=PDF, filename="sprawdzana.pdf", status=MaterialStatus.PROCESSING)
    trainee = create_user()
    enrolment = enrol(trainee, course)
    assert client.post_form("/login", {"email": trainee.email, "password": "correct horse battery",
                                       "remember": "y"}).status_code == 303
    remembered = client.get_cookie("remember_token").value

    def both(path: str) -> tuple:
        lean = client.get(path)
        reopened = app.test_client()  # a new browser each time: the remember-me cookie only
        reopened.set_cookie("remember_token", remembered)
        full = reopened.get(path)
        shown = [(r.status_code, r.headers.get("Content-Disposition"), r.headers.get("Content-Type"))
                 for r in (lean, full)]
        assert shown[0] == shown[1], path
        return shown[0]

    assert count_queries(client, f"/materials/{pdf.id}/file", data_only=True) == 1
    assert both(f"/materials/{pdf.id}/file")[:2] == (200, "inline; filename=karta.pdf")
    assert both(f"/materials/{pdf.id}/file?download=1")[:2] == (200, "attachment; filename=karta.pdf")
    assert both(f"/materials/{hidden.id}/file")[0] == 403
    assert both(f"/materials/{checking.id}/file")[0] == 404
    missing = client.get(f"/materials/{pdf.id + 1000}/file")  # the error page loads the person for its menu
    assert missing.status_code == 404 and trainee.full_name in missing.get_data(as_text=True)
    course.status = CourseStatus.DRAFT
    db.session.commit()
    assert both(f"/materials/{pdf.id}/file")[0] == 403
    course.status = CourseStatus.PUBLISHED
    enrolment.status = EnrolmentStatus.WITHDRAWN
    db.session.commit()
    assert both(f"/materials/{pdf.id}/file")[0] == 403
    enrolment.status = EnrolmentStatus.ENROLLED
    trainee.is_active = False  # deactivated while logged in: neither path lets them in
    db.session.commit()
    response = client.get(f"/materials/{pdf.id}/file")
    assert response.status_code == 302 and "/login" in response.location


def test_a_lean_download_needs_the_login_of_the_person_the_cookie_names(app, client, login, db):
    course = create_course()
    pdf = create_material(first_lesson(course), data=PDF, filename="karta.pdf")
    enrolled, other = create_user(), create_user()
    enrol(enrolled, course)
    login(enrolled)
    assert client.get(f"/materials/{pdf.id}/file").status_code == 200
    with client.session_transaction() as browser:  # the other person's id with the enrolled one's secret
        browser["_user_id"] = f"{other.id}:{browser['_user_id'].partition(':')[2]}"
    response = client.get(f"/materials/{pdf.id}/file")
    assert response.status_code == 302 and "/login" in response.location


@pytest.fixture
def process_cache(app, db):
    """The cache of a deployment without Redis (the tests otherwise cache nothing)."""
    cache.init_app(app, config={"CACHE_TYPE": "SimpleCache"})
    forget_local()
    try:
        yield
    finally:
        cache.init_app(app, config={"CACHE_TYPE": "NullCache"})
        forget_local()


def test_the_course_and_lesson_pages_read_little_once_the_outline_is_cached(process_cache, client, login, db):
    trainer = create_user(Role.TRAINER)
    course = create_course(trainers=[trainer], modules=3, lessons_per_module=4, capacity=30)
    lesson = first_lesson(course)
    create_material(lesson, data=PDF, filename="karta.pdf")
    create_meeting(course, trainer=trainer, starts_at=utcnow() + timedelta(days=3))
    trainee = create_user()
    enrol(trainee, course)
    login(trainee)
    course_page, lesson_page = f"/courses/{course.id}", f"/courses/{course.id}/lessons/{lesson.id}"
    for path in (course_page, lesson_page):
        count_queries(client, path)  # the first views build the outline and the lesson's text
    # The budget is 4; today: the person with the course and everything personal in one query.
    assert count_queries(client, course_page, data_only=True) == 1
    # The same with the visitor's progress in the lesson: opened less than a minute ago (the first view above),
    # the visit is not recorded again.
    assert count_queries(client, lesson_page, data_only=True) == 1
    # A minute later: the same, then the visit recorded by the one upsert, which also says whether the lesson is
    # done (and on PostgreSQL lets this commit skip waiting for the disk) (2), and the reports' "last activity"
    # moment of the enrolment (one UPDATE, app/reporting/summaries.py). On SQLite the visit runs in a savepoint
    # (not counted).
    earlier = utcnow() - progress.VISIT_EVERY
    db.session.execute(update(LessonProgress).values(last_opened_at=earlier))
    db.session.commit()
    assert count_queries(client, lesson_page, data_only=True) == 3
    db.session.expire_all()
    assert db.session.scalars(select(LessonProgress.last_opened_at)).one() > earlier


def test_the_course_page_statement_is_planned_once_on_postgresql(client, login, db, backend):
    """PostgreSQL keeps one plan for a statement run again and again only if that plan, made without the values,
    looks no worse than plans made for them (``core.db.fixed``). The course page's statement asks for a waiting
    position: with the rare status bound as a parameter, every execution was planned again. (Run here on the
    test's connection: the requests' rollbacks make psycopg forget its prepared statements.)"""
    from sqlalchemy import event, text

    course = create_course(capacity=5000)
    trainee = create_user()
    enrol(trainee, course)
    grow(0, 600, create_meeting(course, starts_at=utcnow() - timedelta(hours=1)), first_lesson(course))
    db.session.execute(update(Enrolment).where(Enrolment.id.in_(
        select(Enrolment.id).where(Enrolment.course_id == course.id, Enrolment.user_id != trainee.id).limit(3)))
        .values(status=EnrolmentStatus.WAITLISTED))
    if backend == "postgresql":
        db.session.execute(text("ANALYZE enrolments"))
    login(trainee)
    seen = []
    listener = lambda _c, _cursor, statement, parameters, _x, _m: seen.append((statement, parameters))  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert client.get(f"/courses/{course.id}").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    statement, parameters = next(found for found in seen if "user_sessions" in found[0])
    # The status is in the text (on both databases), not among the values bound at execution.
    values = parameters.values() if isinstance(parameters, dict) else parameters
    assert "'waitlisted'" in statement and "waitlisted" not in [str(value) for value in values]
    if backend != "postgresql":
        return  # the plans of prepared statements are PostgreSQL's
    raw = db.session.connection().connection.driver_connection
    for _ in range(12):  # psycopg prepares it on the 5th run; PostgreSQL tries five plans for the values first
        raw.execute(statement, parameters).fetchall()
    generic, custom = raw.execute("SELECT generic_plans, custom_plans FROM pg_prepared_statements "
                                  "WHERE statement LIKE '%user_sessions%'").fetchone()
    assert generic > 0, (generic, custom)
