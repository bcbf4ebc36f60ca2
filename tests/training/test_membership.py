"""A trainee belongs to the meetings held while they were enrolled: rates, rosters, sheets and marking follow."""

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app.core.db import utcnow
from app.core.errors import DomainError
from app.core.permissions import Role
from app.enrolment import services as enrolment_services
from app.enrolment.models import EnrolmentEvent, EnrolmentStatus
from app.training import membership
from app.training.models import Attendance, AttendanceMethod, AttendanceStatus
from app.training.services import attendance_rate, attendance_rates, record_attendance, roster
from tests.factories import create_user
from tests.factories.catalogue import create_course
from tests.factories.enrolment import enrol
from tests.factories.training import create_meeting


def days_ago(n: float):
    return utcnow() - timedelta(days=n)


@pytest.fixture
def course_with_a_late_joiner(db):
    """Four held meetings; Ona joined after the second one."""
    trainer = create_user(Role.TRAINER)
    course = create_course(trainers=[trainer])
    early = create_user(full_name="Adam Early")
    late = create_user(full_name="Ona Vėlyvoji")
    enrol(early, course)
    meetings = [create_meeting(course, trainer=trainer, starts_at=days_ago(d)) for d in (10, 8, 4, 2)]
    enrol(late, course, since=days_ago(6))
    return trainer, course, early, late, meetings


def mark(meeting, person, trainer, status=AttendanceStatus.PRESENT):
    return record_attendance(meeting, person, status, None, trainer, AttendanceMethod.ROSTER)


def test_a_trainee_enrolled_after_two_meetings_who_attends_the_rest_has_100_percent(db, course_with_a_late_joiner):
    trainer, course, early, late, meetings = course_with_a_late_joiner
    assert attendance_rate(late.id, course.id) == 0.0  # two meetings of theirs held, none attended yet
    for meeting in meetings[2:]:
        mark(meeting, late, trainer)
    assert attendance_rate(late.id, course.id) == 1.0
    assert attendance_rates(late.id, [course.id]) == {course.id: 1.0}
    mark(meetings[0], early, trainer)
    assert attendance_rate(early.id, course.id) == 0.25  # the early trainee still has all four


def test_earlier_meetings_have_no_place_for_the_late_joiner(db, course_with_a_late_joiner):
    trainer, _course, early, late, meetings = course_with_a_late_joiner
    assert [user for user, _ in roster(meetings[0])] == [early]
    assert [user.full_name for user, _ in roster(meetings[2])] == ["Adam Early", "Ona Vėlyvoji"]
    assert not membership.belongs(late.id, meetings[1]) and membership.belongs(late.id, meetings[2])
    with pytest.raises(DomainError) as refused:
        mark(meetings[0], late, trainer, AttendanceStatus.EXCUSED)
    assert "was not enrolled in the course when this meeting started" in str(refused.value.message)
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 0


def test_the_roster_page_and_the_sheet_leave_out_people_enrolled_later(client, login, db, course_with_a_late_joiner):
    trainer, _course, _early, late, meetings = course_with_a_late_joiner
    login(trainer)
    page = client.get(f"/meetings/{meetings[0].id}/roster").get_data(as_text=True)
    assert "Adam Early" in page and "Ona Vėlyvoji" not in page
    assert "Ona Vėlyvoji" in client.get(f"/meetings/{meetings[2].id}/roster").get_data(as_text=True)
    refused = client.post_form(f"/meetings/{meetings[0].id}/roster", {"entries-0-user_id": str(late.id),
                                                                       "entries-0-status": "excused"})
    assert refused.status_code == 422
    assert "those enrolled in the course when the meeting started" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 0
    sheet = PdfReader(io.BytesIO(client.get(f"/meetings/{meetings[0].id}/sheet.pdf").data)).pages[0].extract_text()
    assert "Adam Early" in sheet and "Ona" not in sheet
    later = PdfReader(io.BytesIO(client.get(f"/meetings/{meetings[2].id}/sheet.pdf").data)).pages[0].extract_text()
    assert "Ona Vėlyvoji" in later


def test_enrolling_through_the_service_starts_membership_at_that_moment(db):
    trainer = create_user(Role.TRAINER)
    course = create_course(trainers=[trainer])
    begun = create_meeting(course, trainer=trainer, starts_at=utcnow() - timedelta(minutes=30))
    coming = create_meeting(course, trainer=trainer, starts_at=utcnow() + timedelta(days=1))
    person = create_user()
    enrolment_services.request_enrolment(person, course)
    assert person not in [user for user, _ in roster(begun)]
    assert person in [user for user, _ in roster(coming)]
    assert attendance_rate(person.id, course.id) is None  # no meeting of theirs held yet: not 0 %


def test_withdrawn_and_enrolled_again_keeps_the_first_period_and_skips_the_gap(db):
    trainer = create_user(Role.TRAINER)
    course = create_course(trainers=[trainer])
    person = create_user(full_name="Rūta Grįžusi")
    enrolment = enrol(person, course, since=days_ago(20))
    first, gap, back = (create_meeting(course, trainer=trainer, starts_at=days_ago(d)) for d in (15, 8, 2))
    db.session.add_all([EnrolmentEvent(enrolment_id=enrolment.id, from_status=EnrolmentStatus.ENROLLED,
                                       to_status=EnrolmentStatus.WITHDRAWN, created_at=days_ago(12)),
                        EnrolmentEvent(enrolment_id=enrolment.id, from_status=EnrolmentStatus.WITHDRAWN,
                                       to_status=EnrolmentStatus.ENROLLED, created_at=days_ago(5))])
    db.session.commit()
    assert [membership.belongs(person.id, m) for m in (first, gap, back)] == [True, False, True]
    mark(back, person, trainer)
    assert attendance_rate(person.id, course.id) == 0.5  # the first period's missed meeting still counts
    with pytest.raises(DomainError):
        mark(gap, person, trainer)


def test_the_evidence_pack_is_named_with_the_meetings_day_at_the_venue(db):
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from app.training.documents import evidence_pack_name

    course = create_course()
    day = (utcnow() - timedelta(days=3)).astimezone(ZoneInfo("Europe/Warsaw")).date()
    meeting = create_meeting(course, starts_at=datetime.combine(day, time(0, 30), ZoneInfo("Europe/Warsaw")))
    assert evidence_pack_name(meeting) == f"evidence-meeting-{meeting.id}-{day:%Y%m%d}.zip"


def test_checking_in_to_a_meeting_that_began_before_enrolling_is_refused_with_a_message(client, login, db):
    from app.training import checkin

    trainer = create_user(Role.TRAINER)
    course = create_course(trainers=[trainer])
    meeting = create_meeting(course, trainer=trainer)  # began ten minutes ago
    walk_in = create_user(language="en", full_name="Jonas Pavėlavęs")
    enrolment_services.request_enrolment(walk_in, course)
    db.session.commit()
    login(walk_in)
    response = client.post_form(f"/checkin/{meeting.id}/{checkin.checkin_token(meeting)}")
    assert response.status_code in (400, 422)
    assert "was not enrolled in the course when this meeting started" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 0
