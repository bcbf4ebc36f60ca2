"""A small but tricky world for the reporting tests, described as plain data so the tests can compute every
expected figure independently (in Python, from these lists) and compare it with what the app computes (in SQL).

Edge cases on purpose: one person in two courses (counted once), a withdrawn trainee, a request still waiting, an
excused absence, a missing attendance record, a cancelled meeting, a future meeting, a cancelled placement, two
completed placements of one person, a domestic placement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from app.accounts.models import Country, Gender
from app.core.db import utcnow
from app.core.permissions import Role
from app.enrolment.models import EnrolmentStatus
from app.extensions import db
from app.placements.models import EntryStatus, LogbookEntry, PlacementStatus
from app.training.models import Attendance, AttendanceMethod, AttendanceStatus, MeetingStatus
from tests.factories import create_user
from tests.factories.catalogue import create_course
from tests.factories.enrolment import enrol
from tests.factories.placements import create_company, create_placement
from tests.factories.training import create_meeting

#: person: (country, gender, employer)
PEOPLE = {
    "łukasz": (Country.PL, Gender.MALE, "Metal-Tech Suwałki"),
    "gražina": (Country.LT, Gender.FEMALE, "UAB Marijampolės metalas"),
    "withdrawn": (Country.PL, Gender.FEMALE, "Metal-Tech Suwałki"),
    "jonas": (Country.LT, Gender.MALE, "UAB Alytaus lazeriai"),
    "waiting": (Country.LT, None, None),
}
#: (person, course, status, completed)
ENROLMENTS = [
    ("łukasz", "welding", EnrolmentStatus.ENROLLED, True),
    ("łukasz", "cnc", EnrolmentStatus.ENROLLED, False),
    ("gražina", "welding", EnrolmentStatus.ENROLLED, False),
    ("withdrawn", "welding", EnrolmentStatus.WITHDRAWN, False),
    ("jonas", "cnc", EnrolmentStatus.ENROLLED, True),
    ("waiting", "cnc", EnrolmentStatus.REQUESTED, False),
]
#: meeting: (course, days from now, status, hours)
MEETINGS = {
    "w1": ("welding", -20, MeetingStatus.SCHEDULED, 3),
    "w2": ("welding", -10, MeetingStatus.SCHEDULED, 3),
    "w3": ("welding", -5, MeetingStatus.CANCELLED, 3),
    "w4": ("welding", 10, MeetingStatus.SCHEDULED, 3),
    "c1": ("cnc", -15, MeetingStatus.SCHEDULED, 4),
}
ATTENDANCE = [
    ("łukasz", "w1", AttendanceStatus.PRESENT), ("łukasz", "w2", AttendanceStatus.EXCUSED),
    ("gražina", "w1", AttendanceStatus.ABSENT),  # and no record for w2: counts as absent too
    ("withdrawn", "w1", AttendanceStatus.PRESENT),  # withdrawn: never counted
    ("łukasz", "c1", AttendanceStatus.LATE), ("jonas", "c1", AttendanceStatus.PRESENT),
]
#: (person, host country, specialisation, status, confirmed logbook hours)
PLACEMENTS = [
    ("łukasz", Country.LT, "welding", PlacementStatus.COMPLETED, 16),
    ("łukasz", Country.LT, "welding", PlacementStatus.COMPLETED, 8),
    ("gražina", Country.PL, "welding", PlacementStatus.CANCELLED, 0),
    ("jonas", Country.LT, "cnc", PlacementStatus.COMPLETED, 24),
]


@dataclass
class World:
    users: dict = field(default_factory=dict)
    courses: dict = field(default_factory=dict)
    meetings: dict = field(default_factory=dict)
    trainer: object = None
    other_trainer: object = None


def build() -> World:
    world = World(trainer=create_user(Role.TRAINER, full_name="Piotr Wiśniewski"),
                  other_trainer=create_user(Role.TRAINER, full_name="Tomas Petrauskas"))
    world.courses = {"welding": create_course(specialisation="welding", trainers=[world.trainer]),
                     "cnc": create_course(specialisation="cnc", trainers=[world.other_trainer])}
    for name, (country, gender, company) in PEOPLE.items():
        world.users[name] = create_user(full_name=name.title(), country=country, gender=gender,
                                        company_name=company)
    now = utcnow()
    for person, course, status, completed in ENROLMENTS:
        enrolment = enrol(world.users[person], world.courses[course], status)
        if completed:
            enrolment.completed_at = now - timedelta(days=1)
    for key, (course, days, status, hours) in MEETINGS.items():
        world.meetings[key] = create_meeting(world.courses[course], starts_at=now + timedelta(days=days),
                                             hours=hours, status=status, title=f"Meeting {key}")
    for person, meeting, status in ATTENDANCE:
        db.session.add(Attendance(session_id=world.meetings[meeting].id, user_id=world.users[person].id,
                                  status=status, method=AttendanceMethod.ROSTER))
    firms = {Country.PL: create_company(Country.PL, capacity=5, specialisations=("welding", "cnc")),
             Country.LT: create_company(Country.LT, capacity=5, specialisations=("welding", "cnc"))}
    start = date.today() - timedelta(days=200)
    for index, (person, host, spec, status, hours) in enumerate(PLACEMENTS):
        placement = create_placement(world.users[person], firms[host], specialisation=spec, status=status,
                                     starts_on=start + timedelta(days=40 * index), days=30)
        for day in range(int(hours // 8)):
            db.session.add(LogbookEntry(placement_id=placement.id, day=placement.starts_on + timedelta(days=day),
                                        hours=8, tasks="Work", status=EntryStatus.CONFIRMED))
    db.session.commit()
    return world


# -- expected figures, computed from the lists above ------------------------------------------------------------
def enrolled_people(course=None, country=None):
    return {p for p, c, s, _ in ENROLMENTS if s == EnrolmentStatus.ENROLLED and course in (None, c)
            and country in (None, PEOPLE[p][0])}


def completed_people(course=None):
    return {p for p, c, s, done in ENROLMENTS if s == EnrolmentStatus.ENROLLED and done and course in (None, c)}


def held(course=None):
    return {k for k, (c, days, status, _) in MEETINGS.items()
            if days < 0 and status == MeetingStatus.SCHEDULED and course in (None, c)}


def attendance_counts(course=None):
    marks = {(p, m): s for p, m, s in ATTENDANCE}
    expected = attended = excused = 0
    for person, c, status, _ in ENROLMENTS:
        if status != EnrolmentStatus.ENROLLED or course not in (None, c):
            continue
        for meeting in held(c):
            expected += 1
            mark = marks.get((person, meeting))
            attended += mark in (AttendanceStatus.PRESENT, AttendanceStatus.LATE)
            excused += mark == AttendanceStatus.EXCUSED
    return expected, attended, excused


def placement_people(cross_border_only=False):
    return {p for p, host, _, status, _ in PLACEMENTS if status == PlacementStatus.COMPLETED
            and (not cross_border_only or PEOPLE[p][0] != host)}


def trainee_hours():
    marks = {(p, m): s for p, m, s in ATTENDANCE}
    enrolled = {(p, c) for p, c, s, _ in ENROLMENTS if s == EnrolmentStatus.ENROLLED}
    meeting_hours = sum(MEETINGS[m][3] for (p, m), s in marks.items()
                        if s in (AttendanceStatus.PRESENT, AttendanceStatus.LATE) and m in held()
                        and (p, MEETINGS[m][0]) in enrolled)
    return meeting_hours + sum(hours for *_, hours in PLACEMENTS)
