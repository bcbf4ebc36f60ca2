"""Rate limits that let a class behind one factory router in and keep attackers out.

Every request of the test client comes from 127.0.0.1: one address, as a class of 30 behind a router."""

from __future__ import annotations

from sqlalchemy import func, select

from app.core.permissions import Role
from app.training import checkin
from app.training.models import Attendance
from tests.factories import create_user
from tests.factories.catalogue import create_course
from tests.factories.enrolment import enrol
from tests.factories.training import create_meeting

PASSWORD = "correct horse battery"


def test_a_class_of_30_logs_in_and_checks_in_with_the_typed_code_from_one_address(app, db):
    course = create_course(trainers=[create_user(Role.TRAINER)])
    trainees = [create_user(Role.TRAINEE) for _ in range(30)]
    for trainee in trainees:
        enrol(trainee, course)
    meeting = create_meeting(course)
    for trainee in trainees:
        phone = app.test_client()  # each trainee's own phone, all behind the same router
        token = phone.csrf_token()
        assert phone.post("/login", data={"email": trainee.email, "password": PASSWORD,
                                          "csrf_token": token}).status_code == 303
        response = phone.post(f"/meetings/{meeting.id}/checkin",
                              data={"code": checkin.current_code(meeting), "csrf_token": phone.csrf_token()})
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert db.session.scalar(select(func.count()).select_from(Attendance).where(
        Attendance.session_id == meeting.id)) == 30


def test_one_address_guessing_one_accounts_password_is_refused_after_the_limit(client, db):
    user = create_user(Role.TRAINEE)
    answers = [client.post_form("/login", {"email": user.email, "password": f"guess {n}"}).status_code
               for n in range(30)]
    assert answers[:10] == [422] * 10
    assert set(answers[10:]) == {429}
    # The right password does not get through either while the account is locked for this minute.
    assert client.post_form("/login", {"email": user.email, "password": PASSWORD}).status_code == 429


def test_one_address_trying_one_password_on_many_accounts_is_refused_after_a_ceiling(client, db):
    accounts = [create_user(Role.TRAINEE) for _ in range(30)]
    answers = [client.post_form("/login", {"email": user.email, "password": "Summer2026!"}).status_code
               for user in accounts]
    assert answers[:20] == [422] * 20
    assert set(answers[20:]) == {429}


def test_successful_logins_use_none_of_the_failure_allowance(client, db):
    user = create_user(Role.TRAINEE)
    for _ in range(25):
        assert client.post_form("/login", {"email": user.email, "password": PASSWORD}).status_code == 303
        client.post_form("/logout")
    assert client.post_form("/login", {"email": user.email, "password": "wrong one"}).status_code == 422


def test_the_typed_check_in_code_is_limited_per_person(app, client, login, db):
    course = create_course()
    trainee = create_user(Role.TRAINEE)
    enrol(trainee, course)
    meeting = create_meeting(course)
    login(trainee)
    answers = [client.post_form(f"/meetings/{meeting.id}/checkin", {"code": "000000"}).status_code
               for _ in range(12)]
    assert answers[:10] == [422] * 10 and set(answers[10:]) == {429}
