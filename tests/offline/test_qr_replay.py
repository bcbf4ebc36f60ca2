"""A QR code scanned offline, sent later by the offline queue: the window the server signed into the code decides
(no phone's clock is trusted); accepted while the meeting (plus a short grace) lasts, refused after it with a clear
message, never counted twice."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.core.db import utcnow
from app.core.errors import DomainError
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
    return trainee, create_meeting(course, starts_at=utcnow() - timedelta(hours=2), hours=3)  # 1 h to go


def attendances(db, meeting, user) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Attendance).where(
        Attendance.session_id == meeting.id, Attendance.user_id == user.id))


def test_a_code_scanned_during_the_meeting_counts_when_sent_later_and_only_once(db, setting):
    trainee, meeting = setting
    token = checkin.checkin_token(meeting, meeting.starts_at + timedelta(minutes=5))
    # Sent 50 minutes after it was shown: a live scan would long have expired; the replay counts.
    sent = meeting.starts_at + timedelta(minutes=55)
    attendance = checkin.check_in_with_token_later(meeting, token, trainee, now=sent)
    assert attendance.status == AttendanceStatus.PRESENT and attendance.method == AttendanceMethod.SELF_CHECKIN
    checkin.check_in_with_token_later(meeting, token, trainee, now=meeting.ends_at)
    assert attendances(db, meeting, trainee) == 1
    with pytest.raises(DomainError, match="expired"):  # the live rule is unchanged
        checkin.check_in_with_token(meeting, token, trainee)


def test_after_the_end_and_the_grace_a_clear_refusal(db, setting):
    trainee, meeting = setting
    token = checkin.checkin_token(meeting, meeting.ends_at - timedelta(minutes=1))
    with pytest.raises(DomainError, match=AFTER):
        checkin.check_in_with_token_later(meeting, token, trainee,
                                          now=meeting.ends_at + checkin.REPLAY_GRACE + timedelta(seconds=1))
    assert attendances(db, meeting, trainee) == 0
    checkin.check_in_with_token_later(meeting, token, trainee, now=meeting.ends_at + checkin.REPLAY_GRACE)
    assert attendances(db, meeting, trainee) == 1


def test_a_code_shown_outside_the_check_in_period_or_for_another_meeting_is_refused(db, setting):
    trainee, meeting = setting
    early = checkin.checkin_token(meeting, meeting.starts_at - checkin.OPENS_BEFORE - timedelta(minutes=5))
    with pytest.raises(DomainError, match="outside the meeting's check-in time"):
        checkin.check_in_with_token_later(meeting, early, trainee)
    other = create_meeting(meeting.course, starts_at=meeting.starts_at, hours=3)
    with pytest.raises(DomainError, match="another meeting"):
        checkin.check_in_with_token_later(meeting, checkin.checkin_token(other), trainee)
    with pytest.raises(DomainError, match="not valid"):
        checkin.check_in_with_token_later(meeting, checkin.checkin_token(meeting)[:-3] + "abc", trainee)
    assert attendances(db, meeting, trainee) == 0


def test_a_cancelled_meeting_or_a_stranger_is_refused(db, setting):
    trainee, meeting = setting
    with pytest.raises(DomainError, match="not enrolled"):
        checkin.check_in_with_token_later(meeting, checkin.checkin_token(meeting), create_user())
    meeting.status = MeetingStatus.CANCELLED
    with pytest.raises(DomainError, match="cancelled"):
        checkin.check_in_with_token_later(meeting, checkin.checkin_token(meeting), trainee)


def test_the_replay_route_answers_the_queue_in_json(client, login, db, setting):
    trainee, meeting = setting
    login(trainee)
    bad = client.post_form(f"/checkin/{meeting.id}/not-a-token/replay", {})
    assert bad.status_code == 422 and bad.json == {"ok": False, "message": "This check-in code is not valid."}
    assert attendances(db, meeting, trainee) == 0
    url = f"/checkin/{meeting.id}/{checkin.checkin_token(meeting)}/replay"
    key = {"Idempotency-Key": "0b6f5a52-3f0e-4a7b-9b1e-0c2d5e8f7a61"}
    response = client.post_form(url, {}, headers=key)
    assert response.status_code == 200 and response.json == {"ok": True, "message": "You are checked in. Thank you!"}
    again = client.post_form(url, {}, headers=key)
    assert again.status_code == 200 and again.json["duplicate"] is True
    assert attendances(db, meeting, trainee) == 1
    assert client.post_form(f"/checkin/{meeting.id + 999}/x/replay", {}).status_code == 404
