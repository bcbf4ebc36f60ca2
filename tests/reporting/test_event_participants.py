"""The indicator "participants of events outside courses", counted by hand: distinct people who attended (present
or late) an event's meeting held in the period, by the person's country and the event's specialisation; course
meetings, cancelled events, absences and events to come do not count — and course figures ignore events."""

from datetime import UTC, date, datetime, timedelta

import pytest

from app.accounts.models import Country
from app.core.db import utcnow
from app.core.permissions import Role
from app.events import services
from app.reporting import measures
from app.reporting.measures import Scope
from app.reporting.models import Measure
from app.training.models import AttendanceMethod, AttendanceStatus, MeetingStatus
from app.training.services import record_attendance
from tests.events.helpers import create_event
from tests.factories import create_user
from tests.factories.catalogue import create_course, get_specialisation
from tests.factories.enrolment import enrol
from tests.factories.training import create_meeting

PRESENT, LATE, ABSENT = AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.ABSENT


def mark(event, person, status, actor):
    services.registration_of(event, person) or services.register(person, event, now=event.meeting.starts_at
                                                                 - timedelta(days=1))
    record_attendance(event.meeting, person, status, None, actor, AttendanceMethod.ROSTER)


@pytest.fixture
def world(db):
    coordinator = create_user(Role.COORDINATOR)
    welding = get_specialisation("welding")
    march = datetime(2026, 3, 10, 9, tzinfo=UTC)
    people = {"a": create_user(), "b": create_user(), "c": create_user(country=Country.LT),
              "d": create_user(country=Country.LT), "e": create_user()}
    visit = create_event(coordinator, capacity=None, starts_at=march, specialisation_id=welding.id)
    fair = create_event(coordinator, capacity=None, starts_at=march + timedelta(days=40))  # April
    cancelled = create_event(coordinator, capacity=None, starts_at=march)
    coming = create_event(coordinator, capacity=None, starts_at=utcnow() + timedelta(days=5))
    mark(visit, people["a"], PRESENT, coordinator)
    mark(visit, people["c"], LATE, coordinator)
    mark(visit, people["d"], ABSENT, coordinator)
    mark(fair, people["a"], PRESENT, coordinator)  # a again: counted once
    mark(fair, people["b"], PRESENT, coordinator)
    mark(cancelled, people["e"], PRESENT, coordinator)
    cancelled.meeting.status = MeetingStatus.CANCELLED
    services.register(people["e"], coming)
    # A course meeting attended: not an event.
    course = create_course()
    enrol(people["e"], course)
    meeting = create_meeting(course, starts_at=march)
    record_attendance(meeting, people["e"], PRESENT, None, coordinator, AttendanceMethod.ROSTER)
    db.session.commit()
    return people, welding


def test_event_participants_counted_by_hand(world):
    _people, welding = world
    assert measures.event_participants(Scope()) == 3  # a, b, c (d absent, e: cancelled event / course)
    assert measures.event_participants(Scope(country=Country.LT)) == 1  # c
    assert measures.event_participants(Scope(country=Country.PL)) == 2  # a, b
    assert measures.event_participants(Scope(start=date(2026, 4, 1), end=date(2026, 4, 30))) == 2  # the fair
    assert measures.event_participants(Scope(specialisation_id=welding.id)) == 2  # the visit: a, c
    assert measures.event_participants(Scope(course_ids=frozenset({1}))) == 0
    assert measures.value_of(Measure.EVENT_PARTICIPANTS, Scope()) == 3


def test_course_figures_ignore_event_meetings(world):
    assert measures.meetings_held(Scope()) == 1  # the course meeting only
    assert measures.attendance_rate(Scope()) == 1.0  # e at the course meeting; events' absences are not counted
