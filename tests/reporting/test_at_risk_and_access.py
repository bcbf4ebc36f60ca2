"""The at-risk list (each reason, and who is not on it) and who may see which report."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core.db import utcnow
from app.core.permissions import Role
from app.enrolment.models import Enrolment
from app.learning.models import LessonProgress
from app.reporting.measures import Scope
from app.reporting.risk import at_risk
from app.training.models import Attendance, AttendanceMethod, AttendanceStatus
from tests.factories import create_user
from tests.factories.catalogue import create_course, first_lesson
from tests.factories.enrolment import enrol
from tests.factories.training import create_meeting
from tests.reporting import world as w


def reasons():
    return {(r.full_name, code) for r in at_risk(Scope()) for code, _ in r.reasons}


def test_two_missed_meetings_put_a_trainee_at_risk(db):
    course = create_course(completion_rule={"lessons": "none", "quizzes": "none", "min_attendance_percent": 0})
    regular, missing, excused = (create_user(full_name=n) for n in ("Regular", "Missing", "Excused"))
    for person in (regular, missing, excused):
        enrol(person, course)
    for days in (3, 2, 1):
        meeting = create_meeting(course, starts_at=utcnow() - timedelta(days=days))
        db.session.add(Attendance(session_id=meeting.id, user_id=regular.id, status=AttendanceStatus.PRESENT,
                                  method=AttendanceMethod.ROSTER))
        db.session.add(Attendance(session_id=meeting.id, user_id=excused.id, status=AttendanceStatus.EXCUSED,
                                  method=AttendanceMethod.ROSTER))
    db.session.commit()
    found = reasons()
    assert ("Missing", "missed") in found
    assert not {name for name, code in found if code == "missed"} & {"Regular", "Excused"}
    entry = next(r for r in at_risk(Scope()) if r.full_name == "Missing")
    assert "missed 3 meetings" in entry.reason_texts()


def test_fourteen_quiet_days_put_a_trainee_at_risk(db):
    course = create_course(completion_rule={"lessons": "all", "quizzes": "none", "min_attendance_percent": 0})
    active, quiet, new, never = (create_user(full_name=n) for n in ("Active", "Quiet", "New", "Never"))
    for person in (active, quiet, new, never):
        enrol(person, course)
    lesson = first_lesson(course)
    for person, days in ((active, 2), (quiet, 20)):
        db.session.add(LessonProgress(user_id=person.id, lesson_id=lesson.id, course_id=course.id,
                                      first_opened_at=utcnow() - timedelta(days=days),
                                      last_opened_at=utcnow() - timedelta(days=days)))
    db.session.scalar(select(Enrolment).where(Enrolment.user_id == never.id)).created_at = \
        utcnow() - timedelta(days=30)
    db.session.commit()
    found = reasons()
    assert {("Quiet", "quiet"), ("Never", "quiet_never")} <= found
    assert not {name for name, _ in found} & {"Active", "New"}


def test_attendance_out_of_reach_and_ended_courses(db):
    course = create_course(completion_rule={"lessons": "none", "quizzes": "none", "min_attendance_percent": 80},
                           ends_on=(utcnow() - timedelta(days=1)).date())
    late = create_user(full_name="Late")
    enrol(late, course)
    create_meeting(course, starts_at=utcnow() - timedelta(days=5))
    create_meeting(course, starts_at=utcnow() + timedelta(days=5))  # 1 of 2 reachable: 50% < 80%
    entry = next(r for r in at_risk(Scope()) if r.full_name == "Late")
    codes = [code for code, _ in entry.reasons]
    assert "attendance" in codes and "ended" in codes
    assert any("at most 50% attendance of the 80% needed" in text for text in entry.reason_texts())


def test_completed_and_withdrawn_trainees_are_not_at_risk(db):
    world = w.build()
    names = {r.full_name for r in at_risk(Scope())}
    assert "Withdrawn" not in names and "Waiting" not in names
    assert ("Jonas", "cnc") not in {(r.full_name, "cnc") for r in at_risk(Scope())
                                    if r.course_id == world.courses["cnc"].id}


REPORT_PAGES = ["/reports/", "/reports/at-risk", "/reports/people?figure=enrolled",
                "/reports/export/figures-country.csv", "/reports/export/at-risk.xlsx",
                "/reports/export/people.csv?figure=completed"]
COORDINATOR_ONLY = ["/reports/indicators", "/reports/export/indicators.csv", "/reports/export/placements.csv",
                    "/reports/summary.pdf"]


def expected_status(path: str) -> int:
    """Pages answer 200; an XLSX export is built by a worker: its link leads to the progress page."""
    return 303 if path.endswith(".xlsx") else 200


def test_trainees_never_reach_reports(client, login, db):
    login(create_user(Role.TRAINEE))
    for path in REPORT_PAGES + COORDINATOR_ONLY:
        assert client.get(path).status_code == 403, path


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get("/reports/")
    assert response.status_code == 302 and "/login" in response.location


def test_coordinators_reach_everything(client, login, db):
    w.build()
    login(create_user(Role.COORDINATOR))
    for path in REPORT_PAGES + COORDINATOR_ONLY:
        assert client.get(path).status_code == expected_status(path), path
    dashboard = client.get("/reports/").get_data(as_text=True)
    assert "Figures for your own courses." not in dashboard and "/reports/export/placements" in dashboard


def test_trainers_see_only_their_own_courses_trainees(client, login, db):
    world = w.build()
    login(world.trainer)  # teaches welding only
    for path in REPORT_PAGES:
        assert client.get(path).status_code == expected_status(path), path
    people = client.get("/reports/people?figure=enrolled").get_data(as_text=True)
    assert "Gražina" in people and "Jonas" not in people  # Jonas is only in the CNC course
    assert "Jonas" not in client.get("/reports/export/people.csv?figure=enrolled").get_data(as_text=True)
    assert client.get(f"/reports/people/{world.users['gražina'].id}").status_code == 200
    assert client.get(f"/reports/people/{world.users['jonas'].id}").status_code == 403
    assert client.get(f"/reports/export/attendance-{world.courses['welding'].id}.csv").status_code == 200
    assert client.get(f"/reports/export/attendance-{world.courses['cnc'].id}.csv").status_code == 403
    for path in COORDINATOR_ONLY:
        assert client.get(path).status_code == 403, path
    dashboard = client.get("/reports/").get_data(as_text=True)
    assert "Project indicators" not in dashboard
    assert "Figures for your own courses." in dashboard and "/reports/export/placements" not in dashboard


@pytest.fixture
def real_cache(app):
    from app.extensions import cache

    cache.init_app(app, config={"CACHE_TYPE": "SimpleCache"})
    yield cache
    cache.clear()
    cache.init_app(app, config={"CACHE_TYPE": "NullCache"})


def test_dashboard_figures_are_cached_until_recomputed(client, login, db, real_cache):
    world = w.build()
    login(create_user(Role.COORDINATOR))
    assert 'id="total-enrolled">3<' in client.get("/reports/").get_data(as_text=True)
    enrol(create_user(full_name="Late Comer"), world.courses["cnc"])
    assert 'id="total-enrolled">3<' in client.get("/reports/").get_data(as_text=True)  # from the cache
    assert 'id="total-enrolled">4<' in client.get("/reports/?fresh=1").get_data(as_text=True)
    assert 'id="total-enrolled">4<' in client.get("/reports/").get_data(as_text=True)
    rows = client.get("/reports/export/people.csv?figure=enrolled").get_data(as_text=True)
    assert "Late Comer" in rows  # exports never come from the cache


def test_the_dashboard_works_when_the_cache_is_unreachable(client, login, db, app):
    from app.extensions import cache

    cache.init_app(app, config={"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": "redis://127.0.0.1:1/0"})
    try:
        w.build()
        login(create_user(Role.COORDINATOR))
        assert 'id="total-enrolled">3<' in client.get("/reports/").get_data(as_text=True)
        assert client.get("/reports/at-risk").status_code == 200
    finally:
        cache.init_app(app, config={"CACHE_TYPE": "NullCache"})
