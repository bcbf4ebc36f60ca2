"""Training's home panels: a trainee's meetings today (check-in), a trainer's next meeting and rosters to complete,
meetings without a signed sheet; and their query counts."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from app.core.db import utcnow
from app.core.permissions import Role
from app.extensions import db
from app.training import services
from app.training.home import trainee_meetings, trainer_meetings, unsigned_sheets
from app.training.models import AttendanceMethod, AttendanceStatus, MeetingStatus
from tests.catalogue.samples import PDF
from tests.factories import create_user
from tests.factories.catalogue import create_course
from tests.factories.enrolment import enrol
from tests.factories.training import create_meeting
from tests.querycount import count_queries


def mark(meeting, user, status=AttendanceStatus.PRESENT, actor=None):
    services.record_attendance(meeting, user, status, None, actor, AttendanceMethod.ROSTER)
    db.session.commit()


def test_a_trainee_sees_todays_meetings_of_their_courses_with_check_in_until_checked_in(db):
    trainee = create_user()
    course, other = create_course(), create_course()
    enrol(trainee, course)
    now = utcnow()
    running = create_meeting(course, starts_at=now - timedelta(minutes=10))
    create_meeting(other, starts_at=now - timedelta(minutes=5))  # not their course
    create_meeting(course, starts_at=now - timedelta(hours=5), hours=1)  # over already
    create_meeting(course, starts_at=now + timedelta(minutes=5), status=MeetingStatus.CANCELLED)
    data = trainee_meetings(trainee, now)
    assert [(item.meeting.id, item.open, item.checked_in) for item in data["today"]] == [(running.id, True, False)]
    assert data["upcoming"] is None
    mark(running, trainee)
    assert [item.checked_in for item in trainee_meetings(trainee, now)["today"]] == [True]


def test_a_meeting_later_today_is_listed_with_when_check_in_opens_and_without_today_the_next_one(db):
    trainee = create_user(timezone="Europe/Warsaw")
    course = create_course()
    enrol(trainee, course)
    now = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)  # 09:00 in Warsaw
    later = create_meeting(course, starts_at=now + timedelta(hours=6))
    tomorrow = create_meeting(course, starts_at=now + timedelta(days=1))
    (item,) = trainee_meetings(trainee, now)["today"]
    assert item.meeting.id == later.id and not item.open and item.opens_at == later.starts_at - timedelta(minutes=30)
    db.session.delete(later)
    db.session.commit()
    data = trainee_meetings(trainee, now)
    assert data["today"] == [] and data["upcoming"].id == tomorrow.id


def test_today_is_the_viewers_day_not_utcs(db):
    """At 00:15 on 5 December in Warsaw it is still 4 December in UTC: a meeting at 00:30 Warsaw time and one at
    20:00 the same evening are both "today" for a Warsaw viewer."""
    warsaw = create_user(timezone="Europe/Warsaw")
    london = create_user(timezone="Europe/London")
    course = create_course()
    for person in (warsaw, london):
        enrol(person, course)
    now = datetime(2026, 12, 4, 23, 15, tzinfo=UTC)
    night = create_meeting(course, starts_at=datetime(2026, 12, 4, 23, 30, tzinfo=UTC))  # 00:30 in Warsaw
    evening = create_meeting(course, starts_at=datetime(2026, 12, 5, 19, 0, tzinfo=UTC))  # 20:00 in Warsaw
    assert [i.meeting.id for i in trainee_meetings(warsaw, now)["today"]] == [night.id, evening.id]
    assert [i.meeting.id for i in trainee_meetings(london, now)["today"]] == [night.id]  # 23:30 on 4 December


def test_the_home_page_leads_to_the_typed_code_check_in(client, login, db):
    trainee = create_user()
    course = create_course()
    enrol(trainee, course)
    meeting = create_meeting(course)
    login(trainee)
    page = client.get("/").get_data(as_text=True)
    assert f'href="/meetings/{meeting.id}/checkin"' in page and "Check in" in page
    mark(meeting, trainee)
    page = client.get("/").get_data(as_text=True)
    assert f'href="/meetings/{meeting.id}/checkin"' not in page and "You are checked in." in page


def test_a_trainer_sees_the_next_meeting_and_rosters_left_unmarked(db):
    trainer, colleague = create_user(Role.TRAINER), create_user(Role.TRAINER)
    course = create_course(trainers=[trainer])
    elsewhere = create_course(trainers=[colleague])
    people = [create_user() for _ in range(3)]
    for person in people:
        enrol(person, course)
        enrol(person, elsewhere)
    now = utcnow()
    half = create_meeting(course, trainer=trainer, starts_at=now - timedelta(days=2))
    done = create_meeting(course, trainer=trainer, starts_at=now - timedelta(days=3))
    create_meeting(course, trainer=trainer, starts_at=now - timedelta(days=4), status=MeetingStatus.CANCELLED)
    create_meeting(elsewhere, trainer=colleague, starts_at=now - timedelta(days=2))  # not theirs
    nxt = create_meeting(course, trainer=trainer, starts_at=now + timedelta(days=1))
    create_meeting(course, trainer=trainer, starts_at=now + timedelta(days=2))
    mark(half, people[0], actor=trainer)
    for person in people:
        mark(done, person, AttendanceStatus.ABSENT, actor=trainer)
    data = trainer_meetings(trainer, now)
    assert data["upcoming"].id == nxt.id
    assert [(meeting.id, unmarked) for meeting, unmarked in data["rosters"]] == [(half.id, 2)]
    assert data["rosters_total"] == 1
    for person in people[1:]:
        mark(half, person, actor=trainer)
    assert trainer_meetings(trainer, now)["rosters"] == []


def test_held_meetings_without_a_signed_sheet_are_listed_until_one_is_stored(db):
    trainer = create_user(Role.TRAINER)
    course = create_course(trainers=[trainer])
    now = utcnow()
    held = create_meeting(course, trainer=trainer, starts_at=now - timedelta(days=1))
    create_meeting(course, trainer=trainer, starts_at=now + timedelta(days=1))  # to come
    create_meeting(course, trainer=trainer, starts_at=now - timedelta(days=2), status=MeetingStatus.CANCELLED)
    data = unsigned_sheets(create_user(Role.COORDINATOR), now)
    assert [m.id for m in data["meetings"]] == [held.id] and data["total"] == 1
    services.store_signed_sheet(held, "scan.pdf", io.BytesIO(PDF), trainer)
    db.session.commit()
    assert unsigned_sheets(create_user(Role.COORDINATOR), now) == {"meetings": [], "total": 0}


def test_the_trainers_home_page_runs_a_fixed_number_of_queries(client, login, db):
    trainer = create_user(Role.TRAINER)

    def grow(n):
        course = create_course(trainers=[trainer], modules=1, lessons_per_module=n)
        people = [create_user() for _ in range(n)]
        for person in people:
            enrol(person, course)
        for day in range(n):
            meeting = create_meeting(course, trainer=trainer, starts_at=utcnow() - timedelta(days=day + 1))
            mark(meeting, people[0], actor=trainer)
            create_meeting(course, trainer=trainer, starts_at=utcnow() + timedelta(days=day + 1))

    grow(2)
    login(trainer)
    count_queries(client, "/")
    small = count_queries(client, "/")
    for _ in range(3):
        grow(4)
    page = client.get("/").get_data(as_text=True)
    assert "Rosters to complete" in page and "people not marked" in page
    assert count_queries(client, "/") == small
