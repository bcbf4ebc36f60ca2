"""Self check-in with the rotating QR code and the typed code; the trainer's ticket scan."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core.db import utcnow
from app.core.errors import DomainError
from app.core.permissions import Role
from app.training import checkin
from app.training.models import Attendance, AttendanceMethod, AttendanceStatus
from tests.accounts.helpers import issued_in_the_past
from tests.factories import create_user
from tests.factories.catalogue import create_course
from tests.factories.enrolment import enrol
from tests.factories.training import create_meeting


@pytest.fixture
def setting(db):
    trainer = create_user(Role.TRAINER)
    course = create_course(trainers=[trainer])
    trainee = create_user(language="pl")
    enrol(trainee, course)
    return trainer, course, trainee, create_meeting(course, trainer=trainer)


def attendance_of(db, meeting, user):
    db.session.expire_all()
    return db.session.scalar(select(Attendance).where(Attendance.session_id == meeting.id,
                                                      Attendance.user_id == user.id))


def test_scanning_the_qr_code_marks_present(client, login, db, setting):
    _, _, trainee, meeting = setting
    login(trainee)
    url = f"/checkin/{meeting.id}/{checkin.checkin_token(meeting)}"
    page = client.get(url)
    assert page.status_code == 200 and 'data-autosubmit="1"' in page.get_data(as_text=True)
    response = client.post_form(url)
    assert response.status_code == 200
    assert "Twoja obecność została odnotowana" in response.get_data(as_text=True)
    attendance = attendance_of(db, meeting, trainee)
    assert (attendance.status, attendance.method) == (AttendanceStatus.PRESENT, AttendanceMethod.SELF_CHECKIN)
    assert client.post_form(url).status_code == 200  # scanning twice changes nothing
    assert len(attendance_of(db, meeting, trainee).changes) == 1


def test_the_qr_url_sends_a_logged_out_phone_to_login_and_back(client, db, setting):
    _, _, _, meeting = setting
    url = f"/checkin/{meeting.id}/{checkin.checkin_token(meeting)}"
    response = client.get(url)
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]


def test_an_expired_token_is_refused(client, login, db, setting, monkeypatch):
    _, _, trainee, meeting = setting
    old = utcnow() - timedelta(seconds=95)
    with issued_in_the_past(monkeypatch, 95):
        token = checkin.checkin_token(meeting, now=old)
    login(trainee)
    response = client.post_form(f"/checkin/{meeting.id}/{token}")
    assert response.status_code == 400
    assert "Ten kod obecności wygasł" in response.get_data(as_text=True)
    assert attendance_of(db, meeting, trainee) is None


def test_a_token_replayed_after_its_window_is_refused(db, setting):
    _, _, trainee, meeting = setting
    now = utcnow()
    token = checkin.checkin_token(meeting, now=now)
    checkin.check_in_with_token(meeting, token, trainee, now=now + timedelta(seconds=29))  # still valid
    friend = create_user()
    enrol(friend, meeting.course)
    with pytest.raises(DomainError, match="expired"):
        checkin.check_in_with_token(meeting, token, friend, now=now + timedelta(seconds=75))


def test_a_token_of_another_meeting_is_refused(client, login, db, setting):
    trainer, course, trainee, meeting = setting
    other = create_meeting(course, trainer=trainer, title="Inne")
    login(trainee)
    response = client.post_form(f"/checkin/{meeting.id}/{checkin.checkin_token(other)}")
    assert response.status_code == 400 and "dotyczy innego spotkania" in response.get_data(as_text=True)


def test_a_tampered_token_is_refused(client, login, db, setting):
    _, _, trainee, meeting = setting
    token = checkin.checkin_token(meeting)
    login(trainee)
    response = client.post_form(f"/checkin/{meeting.id}/{token[:-3]}abc")
    assert response.status_code == 400 and "nieprawidłowy" in response.get_data(as_text=True)


def test_a_trainee_not_enrolled_is_refused(client, login, db, setting):
    _, _, _, meeting = setting
    stranger = create_user(language="en")
    login(stranger)
    response = client.post_form(f"/checkin/{meeting.id}/{checkin.checkin_token(meeting)}")
    assert response.status_code == 400 and "is not enrolled in this course" in response.get_data(as_text=True)
    assert attendance_of(db, meeting, stranger) is None


@pytest.mark.parametrize(("start_offset", "message"), [(timedelta(hours=2), "not opened yet"),
                                                        (timedelta(hours=-5), "has ended")])
def test_check_in_only_while_the_meeting_is_open(db, setting, start_offset, message):
    trainer, course, trainee, _ = setting
    meeting = create_meeting(course, trainer=trainer, starts_at=utcnow() + start_offset, hours=3)
    with pytest.raises(DomainError, match=message):
        checkin.check_in_with_token(meeting, checkin.checkin_token(meeting), trainee)


def test_the_typed_code_works_only_in_its_window(client, login, db, setting):
    _, _, trainee, meeting = setting
    login(trainee)
    wrong = "000000" if checkin.current_code(meeting) != "000000" else "111111"
    response = client.post_form(f"/meetings/{meeting.id}/checkin", {"code": wrong})
    assert response.status_code == 422 and "Kod jest nieprawidłowy lub wygasł" in response.get_data(as_text=True)
    stale = checkin.short_code(meeting, checkin.window_of(utcnow()) - 3)
    if stale != checkin.current_code(meeting):
        assert client.post_form(f"/meetings/{meeting.id}/checkin", {"code": stale}).status_code == 422
    response = client.post_form(f"/meetings/{meeting.id}/checkin", {"code": checkin.current_code(meeting)})
    assert response.status_code == 200
    assert attendance_of(db, meeting, trainee).status == AttendanceStatus.PRESENT


def test_the_trainer_scans_a_participant_ticket(client, login, db, setting):
    trainer, _, trainee, meeting = setting
    login(trainer)
    response = client.post(f"/meetings/{meeting.id}/scan", json={"ticket": checkin.ticket_for(trainee)},
                           headers={"X-CSRFToken": client.csrf_token()})
    assert response.status_code == 200 and response.json["ok"]
    attendance = attendance_of(db, meeting, trainee)
    assert attendance.method == AttendanceMethod.TICKET_SCAN and attendance.recorded_by_id == trainer.id
    bad = client.post(f"/meetings/{meeting.id}/scan", json={"ticket": "hello"},
                      headers={"X-CSRFToken": client.csrf_token()})
    assert bad.status_code == 422 and not bad.json["ok"]


def test_another_trainer_cannot_scan_or_show_the_code(client, login, db, setting):
    _, _, trainee, meeting = setting
    login(create_user(Role.TRAINER))
    assert client.get(f"/meetings/{meeting.id}/qr").status_code == 403
    assert client.get(f"/meetings/{meeting.id}/qr.json").status_code == 403
    response = client.post(f"/meetings/{meeting.id}/scan", json={"ticket": checkin.ticket_for(trainee)},
                           headers={"X-CSRFToken": client.csrf_token()})
    assert response.status_code == 403
    assert attendance_of(db, meeting, trainee) is None


def test_the_qr_screen_shows_a_code_that_checks_in(client, login, db, setting):
    trainer, _, trainee, meeting = setting
    login(trainer)
    data = client.get(f"/meetings/{meeting.id}/qr.json").json
    assert data["image"].startswith("data:image/svg+xml") and data["open"] is True
    assert data["code"] == checkin.current_code(meeting)
    client.post_form("/logout")
    login(trainee)
    path = data["url"].split("://", 1)[1].split("/", 1)[1]
    assert client.post_form("/" + path).status_code == 200
    assert attendance_of(db, meeting, trainee).status == AttendanceStatus.PRESENT
