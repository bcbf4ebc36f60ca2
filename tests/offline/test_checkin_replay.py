"""A typed check-in code sent later by the offline queue: checked against the moment it was typed, accepted while
the meeting's window (plus a short grace) lasts, refused after it with a clear message, never counted twice."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.core.db import utcnow
from app.core.errors import DomainError
from app.core.permissions import Role
from app.training import checkin
from app.training.models import Attendance, AttendanceMethod, AttendanceStatus, MeetingStatus
from tests.factories import create_user
from tests.factories.catalogue import create_course
from tests.factories.enrolment import enrol
from tests.factories.training import create_meeting

AFTER = "This check-in was sent after the meeting ended; ask the trainer to mark you present."


@pytest.fixture
def setting(db):
    course = create_course()
    trainee = create_user(language="en")
    enrol(trainee, course)
    start = utcnow() - timedelta(hours=2)
    return trainee, create_meeting(course, starts_at=start, hours=3)  # 2 h in, 1 h to go


def code_at(meeting, moment):
    return checkin.short_code(meeting, checkin.window_of(moment))


def attendances(db, meeting, user) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Attendance).where(
        Attendance.session_id == meeting.id, Attendance.user_id == user.id))


def test_a_code_typed_during_the_meeting_counts_when_sent_later_within_it(db, setting):
    trainee, meeting = setting
    typed = meeting.starts_at + timedelta(minutes=5)
    attendance = checkin.check_in_with_code_typed_at(meeting, code_at(meeting, typed), trainee, typed,
                                                     now=meeting.starts_at + timedelta(minutes=50))
    assert attendance.status == AttendanceStatus.PRESENT and attendance.method == AttendanceMethod.SELF_CHECKIN
    # The code of the window before also works (read just before it changed), and a second replay adds nothing.
    before = code_at(meeting, typed - timedelta(seconds=checkin.WINDOW_SECONDS))
    checkin.check_in_with_code_typed_at(meeting, before, trainee, typed, now=meeting.ends_at)
    assert attendances(db, meeting, trainee) == 1


def test_the_grace_after_the_end_and_then_a_clear_refusal(db, setting):
    trainee, meeting = setting
    typed = meeting.ends_at - timedelta(minutes=1)
    with pytest.raises(DomainError, match=AFTER):
        checkin.check_in_with_code_typed_at(meeting, code_at(meeting, typed), trainee, typed,
                                            now=meeting.ends_at + checkin.REPLAY_GRACE + timedelta(seconds=1))
    assert attendances(db, meeting, trainee) == 0
    checkin.check_in_with_code_typed_at(meeting, code_at(meeting, typed), trainee, typed,
                                        now=meeting.ends_at + checkin.REPLAY_GRACE)
    assert attendances(db, meeting, trainee) == 1


@pytest.mark.parametrize("shift, message", [
    (timedelta(minutes=-31), "outside the meeting's check-in time"),  # before check-in opened
    (timedelta(hours=3, minutes=1), "outside the meeting's check-in time"),  # after the end
])
def test_a_moment_outside_the_check_in_period_is_refused(db, setting, shift, message):
    trainee, meeting = setting
    typed = meeting.starts_at + shift
    with pytest.raises(DomainError, match=message):
        checkin.check_in_with_code_typed_at(meeting, code_at(meeting, typed), trainee, typed,
                                            now=meeting.ends_at + timedelta(minutes=2))


def test_a_moment_in_the_future_or_a_wrong_code_is_refused(db, setting):
    trainee, meeting = setting
    now = meeting.starts_at + timedelta(minutes=30)
    future = now + timedelta(minutes=5)
    with pytest.raises(DomainError, match="clock of your phone"):
        checkin.check_in_with_code_typed_at(meeting, code_at(meeting, future), trainee, future, now=now)
    with pytest.raises(DomainError, match="clock of your phone"):
        checkin.check_in_with_code_typed_at(meeting, "123456", trainee, now.replace(tzinfo=None), now=now)
    # A code of another moment than the one claimed (a friend's code from earlier, replayed "now").
    earlier = now - timedelta(minutes=10)
    with pytest.raises(DomainError, match="not valid or has expired"):
        checkin.check_in_with_code_typed_at(meeting, code_at(meeting, earlier), trainee, now, now=now)
    assert attendances(db, meeting, trainee) == 0


def test_a_cancelled_meeting_or_a_stranger_is_refused(db, setting):
    trainee, meeting = setting
    stranger = create_user()
    now = utcnow()
    with pytest.raises(DomainError, match="not enrolled"):
        checkin.check_in_with_code_typed_at(meeting, code_at(meeting, now), stranger, now, now=now)
    meeting.status = MeetingStatus.CANCELLED
    with pytest.raises(DomainError, match="cancelled"):
        checkin.check_in_with_code_typed_at(meeting, code_at(meeting, now), trainee, now, now=now)


def test_the_replay_route_answers_the_queue_in_json(client, login, db, setting):
    trainee, meeting = setting
    login(trainee)
    url = f"/meetings/{meeting.id}/checkin/replay"
    now = utcnow()
    for typed_at in ("yesterday", "2026-13-45T00:00:00Z", "0001-01-01T00:00:00+14:00", now.replace(tzinfo=None)
                     .isoformat(), "9999-12-31T23:59:59+00:00"):
        response = client.post_form(url, {"code": code_at(meeting, now), "typed_at": typed_at})
        assert response.status_code == 422 and response.json["ok"] is False, typed_at
        assert response.json["message"]
    assert client.post_form(url, {"code": "", "typed_at": now.isoformat()}).status_code == 422
    assert attendances(db, meeting, trainee) == 0
    key = {"Idempotency-Key": "7f1c2a0e-9d7b-4a43-b8a8-2b1f0c9e6d11"}
    response = client.post_form(url, {"code": code_at(meeting, now), "typed_at": now.isoformat()}, headers=key)
    assert response.status_code == 200 and response.json == {"ok": True, "message": "You are checked in. Thank you!"}
    again = client.post_form(url, {"code": code_at(meeting, now), "typed_at": now.isoformat()}, headers=key)
    assert again.status_code == 200 and again.json["duplicate"] is True
    assert attendances(db, meeting, trainee) == 1


def test_a_late_replay_is_refused_in_the_persons_language(client, login, db):
    course = create_course()
    trainee = create_user(Role.TRAINEE, language="pl")
    enrol(trainee, course)
    meeting = create_meeting(course, starts_at=utcnow() - timedelta(hours=4), hours=3)
    typed = meeting.starts_at + timedelta(hours=1)
    login(trainee)
    response = client.post_form(f"/meetings/{meeting.id}/checkin/replay",
                                {"code": code_at(meeting, typed), "typed_at": typed.isoformat()})
    assert response.status_code == 422 and response.json["ok"] is False
    assert response.json["message"] and response.json["message"] != AFTER  # translated
    assert attendances(db, meeting, trainee) == 0
