"""An event's meeting through training's machinery: roster, check-in, tickets, the attendance sheet, the evidence
pack, reminders — for the people with a confirmed place only — and course figures that ignore it."""

import io
import zipfile
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.core.db import utcnow
from app.core.errors import DomainError
from app.core.permissions import Role
from app.events import services
from app.notifications.models import Notification
from app.training import checkin
from app.training.models import Attendance, AttendanceMethod, AttendanceStatus
from app.training.services import REMINDER_WINDOW, record_attendance, remind_of_meetings, roster
from tests.downloads.helpers import fetch_generated
from tests.events.helpers import create_event
from tests.factories import create_user


@pytest.fixture
def running(db):
    """An event running now (registration closed at its start): two confirmed, one waiting."""
    coordinator = create_user(Role.COORDINATOR)
    event = create_event(coordinator, capacity=2, starts_at=utcnow() + timedelta(minutes=1))
    people = [create_user(full_name="Łukasz Żółkiewski"), create_user(full_name="Gražina Šimkutė"),
              create_user(full_name="Waiting Wanda")]
    for person in people:
        services.register(person, event)
    event.meeting.starts_at = utcnow() - timedelta(minutes=10)
    db.session.commit()
    return coordinator, event, people


def test_roster_holds_the_confirmed_and_refuses_the_waiting(db, running):
    coordinator, event, (a, b, waiting) = running
    assert [user.id for user, _ in roster(event.meeting)] == [b.id, a.id]  # by name: Gražina, Łukasz
    with pytest.raises(DomainError, match="not registered"):
        record_attendance(event.meeting, waiting, AttendanceStatus.PRESENT, None, coordinator,
                          AttendanceMethod.ROSTER)


def test_roster_form_code_check_in_sheet_and_evidence_pack(client, login, db, running):
    coordinator, event, (a, b, waiting) = running
    meeting = event.meeting
    login(a)
    assert client.get(f"/meetings/{meeting.id}").status_code == 200
    response = client.post_form(f"/meetings/{meeting.id}/checkin", {"code": checkin.current_code(meeting)})
    assert response.status_code == 200
    login(waiting)
    assert client.get(f"/meetings/{meeting.id}").status_code == 403
    response = client.post_form(f"/meetings/{meeting.id}/checkin", {"code": checkin.current_code(meeting)})
    assert response.status_code == 422
    login(coordinator)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f"/events/{event.id}" in page and "Łukasz Żółkiewski" in page
    assert client.get(f"/meetings/{meeting.id}/edit").location.endswith(f"/events/{event.id}")
    form = {"entries-0-user_id": str(b.id), "entries-0-status": "late", "entries-0-remark": ""}
    assert client.post_form(f"/meetings/{meeting.id}/roster", form).status_code == 303
    db.session.expire_all()
    statuses = {x.user_id: (x.status, x.method) for x in db.session.scalars(select(Attendance))}
    assert statuses == {a.id: (AttendanceStatus.PRESENT, AttendanceMethod.SELF_CHECKIN),
                        b.id: (AttendanceStatus.LATE, AttendanceMethod.ROSTER)}
    sheet = client.get(f"/meetings/{meeting.id}/sheet.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(sheet.data)).pages)
    assert "Wizyta studyjna w Kownie" in text and "Gražina Šimkutė" in text and "Waiting Wanda" not in text
    pack = fetch_generated(client, f"/meetings/{meeting.id}/evidence.zip")
    with zipfile.ZipFile(io.BytesIO(pack.data)) as archive:
        assert {"attendance-sheet.pdf", "attendance.csv", "materials.csv"} <= set(archive.namelist())
        assert "Łukasz Żółkiewski" in archive.read("attendance.csv").decode("utf-8-sig")


def test_a_cancelled_place_keeps_what_was_recorded(db, running):
    coordinator, event, (a, _b, _w) = running
    record_attendance(event.meeting, a, AttendanceStatus.PRESENT, None, coordinator, AttendanceMethod.ROSTER)
    registration = services.registration_of(event, a)
    registration.status = services.RegistrationStatus.CANCELLED  # e.g. an organiser's correction afterwards
    db.session.flush()
    assert a.id in [user.id for user, _ in roster(event.meeting)]


def test_reminders_go_to_the_confirmed_only(db):
    coordinator = create_user(Role.COORDINATOR)
    event = create_event(coordinator, capacity=1, starts_at=utcnow() + REMINDER_WINDOW[1] - timedelta(hours=1))
    confirmed, waiting = create_user(language="lt"), create_user()
    services.register(confirmed, event)
    services.register(waiting, event)
    assert remind_of_meetings() == 1
    reminder = db.session.scalar(select(Notification).where(Notification.kind == "meeting.reminder"))
    assert reminder.user_id == confirmed.id and reminder.link == f"/events/{event.id}"
    assert remind_of_meetings() == 0  # once per person and start
