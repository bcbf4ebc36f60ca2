"""What the endpoints answer: problem details in the requester's language, ETags, paging, filters, and the
same rules as the pages (check-in, logbook, lesson progress)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.api.models import TokenScope
from app.core.permissions import Role
from app.extensions import db
from app.placements.models import EntryStatus, LogbookEntry, PlacementStatus
from app.training import checkin
from app.training.models import Attendance, AttendanceStatus
from tests.api.conftest import bearer, issue, person
from tests.factories.catalogue import create_course, first_lesson
from tests.factories.enrolment import enrol
from tests.factories.placements import create_company, create_mentor, create_placement
from tests.factories.training import create_meeting


@pytest.mark.parametrize(("language", "title"), [("pl", "Nie znaleziono"), ("lt", "Nerasta"), ("en", "Not found")])
def test_problem_details_in_the_requesters_language(client, language, title):
    secret = issue(person(language="en"))
    response = client.get("/api/v1/meetings/999999", headers=bearer(secret, **{"Accept-Language": language}))
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert response.json["title"] == title and response.json["instance"] == "/api/v1/meetings/999999"


def test_problem_language_falls_back_to_the_owners(client):
    secret = issue(person(language="lt"), TokenScope.LEARNING)
    response = client.get("/api/v1/courses", headers=bearer(secret))
    assert response.status_code == 403 and response.json["detail"] == "Šis raktas neturi srities „read“."


def test_validation_errors_name_the_field(client):
    secret = issue(person())
    response = client.get("/api/v1/courses?per_page=101", headers=bearer(secret, **{"Accept-Language": "pl"}))
    assert response.status_code == 422 and response.json["title"] == "Nieprawidłowe dane"
    assert "per_page" in response.json["errors"]["query"]
    for body in ("not json", "[1]", '{"code": "1\\u0000"}', '{"code": 5}', '{"code": "1", "extra": 1}'):
        response = client.post("/api/v1/meetings/1/checkin", data=body, content_type="application/json",
                               headers=bearer(secret))
        assert response.status_code in (400, 404, 422), body


def test_unknown_addresses_and_methods_are_problems_too(client):
    secret = issue(person())
    assert client.get("/api/v1/nothing", headers=bearer(secret)).mimetype == "application/problem+json"
    assert client.get("/api/v1/courses/99999999999999", headers=bearer(secret)).json["status"] == 404
    response = client.delete("/api/v1/me", headers=bearer(secret))
    assert response.status_code == 405 and "GET" in response.headers["Allow"]


def test_etag_and_conditional_get(client):
    create_course()
    secret = issue(person())
    first = client.get("/api/v1/courses", headers=bearer(secret))
    etag = first.headers["ETag"]
    assert first.status_code == 200 and etag and first.headers["Cache-Control"] == "private, no-cache"
    assert {"Authorization", "Accept-Language"} <= set(first.vary)
    again = client.get("/api/v1/courses", headers=bearer(secret, **{"If-None-Match": etag}))
    assert again.status_code == 304 and again.data == b""
    create_course()
    changed = client.get("/api/v1/courses", headers=bearer(secret, **{"If-None-Match": etag}))
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_paging_and_filters(client):
    for _ in range(3):
        create_course(specialisation="welding")
    create_course(specialisation="cnc")
    secret = issue(person())
    page = client.get("/api/v1/courses?specialisation=welding&per_page=2&page=2", headers=bearer(secret)).json
    assert page["paging"] == {"page": 2, "per_page": 2, "total": 3, "pages": 2} and len(page["items"]) == 1
    assert all(c["specialisation"] == "welding" for c in page["items"])
    beyond = client.get("/api/v1/courses?page=50", headers=bearer(secret)).json
    assert beyond["items"] == [] and beyond["paging"]["page"] == 50
    for bad in ("per_page=0", "per_page=1000", "page=0", "language=de"):
        assert client.get(f"/api/v1/courses?{bad}", headers=bearer(secret)).status_code in (404, 422), bad


def test_a_trainee_reads_their_learning_and_marks_progress(client):
    trainee = person()
    course = create_course()
    enrol(trainee, course)
    lesson = first_lesson(course)
    secret = issue(trainee, TokenScope.READ, TokenScope.LEARNING)
    detail = client.get(f"/api/v1/courses/{course.id}", headers=bearer(secret)).json
    assert detail["modules"][0]["lessons"][0]["id"] == lesson.id
    read_early = client.post(f"/api/v1/lessons/{lesson.id}/read", headers=bearer(secret))
    assert read_early.status_code == 409  # "open the lesson first": the same rule as the page's beacon
    assert client.post(f"/api/v1/lessons/{lesson.id}/opened", headers=bearer(secret)).json["done"] is False
    assert client.post(f"/api/v1/lessons/{lesson.id}/done", headers=bearer(secret)).json["completed_via"] == "manual"
    assert client.get(f"/api/v1/lessons/{lesson.id}", headers=bearer(secret)).json["done"] is True
    enrolments = client.get("/api/v1/me/enrolments", headers=bearer(secret)).json["items"]
    assert enrolments[0]["progress"]["lessons_done"] == 1 and enrolments[0]["status"] == "enrolled"


def test_check_in_with_the_code_on_the_screen(client):
    trainee = person()
    course = create_course()
    enrol(trainee, course)
    meeting = create_meeting(course)
    secret = issue(trainee, TokenScope.ATTENDANCE, TokenScope.READ)
    wrong = client.post(f"/api/v1/meetings/{meeting.id}/checkin", json={"code": "000000x"}, headers=bearer(secret))
    assert wrong.status_code == 422 and "code" in wrong.json["errors"]
    assert db.session.scalar(select(Attendance).where(Attendance.user_id == trainee.id)) is None
    ok = client.post(f"/api/v1/meetings/{meeting.id}/checkin", json={"code": checkin.current_code(meeting)},
                     headers=bearer(secret))
    assert ok.status_code == 200 and ok.json["status"] == "present"
    mine = client.get("/api/v1/me/meetings", headers=bearer(secret)).json["items"]
    assert mine[0]["attendance"] == AttendanceStatus.PRESENT.value


def test_an_outsider_cannot_check_in(client):
    course = create_course()
    meeting = create_meeting(course)
    secret = issue(person(), TokenScope.ATTENDANCE)
    response = client.post(f"/api/v1/meetings/{meeting.id}/checkin", json={"code": checkin.current_code(meeting)},
                           headers=bearer(secret))
    assert response.status_code == 409  # not enrolled: the check-in rule itself says so


def test_logbook_intern_writes_mentor_confirms(client):
    trainee = person()
    company = create_company()
    mentor = create_mentor(company, password=None)
    placement = create_placement(trainee, company, mentor=mentor, status=PlacementStatus.IN_PROGRESS)
    intern_token = issue(trainee, TokenScope.LEARNING, TokenScope.READ)
    day = (date.today() - timedelta(days=1)).isoformat()
    written = client.post(f"/api/v1/placements/{placement.id}/logbook", headers=bearer(intern_token),
                          json={"day": day, "hours": 6, "tasks": "MIG welding of frames"})
    assert written.status_code == 201 and written.json["status"] == "submitted"
    again = client.post(f"/api/v1/placements/{placement.id}/logbook", headers=bearer(intern_token),
                        json={"day": day, "hours": 6, "tasks": "MIG welding of frames"})
    assert again.status_code == 422 and "day" in again.json["errors"]
    # The intern cannot confirm their own day; the mentor can.
    entry_id = written.json["id"]
    own = client.post(f"/api/v1/logbook/{entry_id}/review", json={"confirm": True}, headers=bearer(intern_token))
    assert own.status_code == 409
    mentor_token = issue(mentor, TokenScope.LEARNING, TokenScope.READ)
    assert [p["id"] for p in client.get("/api/v1/placements", headers=bearer(mentor_token)).json["items"]] \
        == [placement.id]
    confirmed = client.post(f"/api/v1/logbook/{entry_id}/review", json={"confirm": True},
                            headers=bearer(mentor_token))
    assert confirmed.status_code == 200 and confirmed.json["status"] == EntryStatus.CONFIRMED.value
    assert db.session.get(LogbookEntry, entry_id).status == EntryStatus.CONFIRMED
    other = issue(person(), TokenScope.READ)
    assert client.get(f"/api/v1/placements/{placement.id}/logbook", headers=bearer(other)).status_code == 403
    assert client.get("/api/v1/placements", headers=bearer(other)).json["items"] == []


def test_trainer_sees_only_their_courses_figures_and_no_indicators(client):
    trainer = person(Role.TRAINER)
    own, other = create_course(trainers=[trainer]), create_course()
    enrol(person(), own)
    enrol(person(), other)
    secret = issue(trainer, TokenScope.REPORTING)
    assert client.get("/api/v1/reporting/indicators", headers=bearer(secret)).status_code == 403
    people = client.get("/api/v1/reporting/people", headers=bearer(secret)).json
    assert people["paging"]["total"] == 1 and people["items"][0]["email"] is None
    rows = client.get("/api/v1/reporting/breakdown?dimension=country", headers=bearer(secret)).json
    assert sum(row["enrolled"] for row in rows) == 1
    bad = client.get("/api/v1/reporting/breakdown?dimension=shoe-size", headers=bearer(secret))
    assert bad.status_code == 422
    backwards = client.get("/api/v1/reporting/people?start=2026-02-01&end=2026-01-01", headers=bearer(secret))
    assert backwards.status_code == 422 and "end" in backwards.json["errors"]


def test_rate_limit_per_token(app, client):
    secret = issue(person())
    app.config["API_RATE_LIMIT"] = "3 per minute"
    try:
        answers = [client.get("/api/v1/me", headers=bearer(secret)).status_code for _ in range(4)]
        other = client.get("/api/v1/me", headers=bearer(issue(person())))
    finally:
        app.config["API_RATE_LIMIT"] = "120 per minute"
    assert answers == [200, 200, 200, 429] and other.status_code == 200


def test_check_in_codes_are_capped_per_token(client):
    trainee = person()
    course = create_course()
    enrol(trainee, course)
    meeting = create_meeting(course)
    secret = issue(trainee, TokenScope.ATTENDANCE)
    answers = [client.post(f"/api/v1/meetings/{meeting.id}/checkin", json={"code": "000000"},
                           headers=bearer(secret)) for _ in range(11)]
    assert [a.status_code for a in answers] == [422] * 10 + [429]
    assert answers[-1].mimetype == "application/problem+json" and answers[-1].headers["Retry-After"]
