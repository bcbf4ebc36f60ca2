"""Meetings, rosters, corrections with history, documents for the funder, calendars, time zones."""

import io
import zipfile
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar
from pypdf import PdfReader
from sqlalchemy import select

from app.accounts.models import Country
from app.core.db import utcnow
from app.core.permissions import Role
from app.training import services
from app.training.models import Attendance, AttendanceChange, AttendanceMethod, AttendanceStatus, TrainingSession
from app.training.signals import attendance_changed
from tests.catalogue.samples import PDF, PNG
from tests.downloads.helpers import fetch_generated
from tests.factories import create_user
from tests.factories.catalogue import create_course, create_material, first_lesson
from tests.factories.enrolment import enrol
from tests.factories.training import create_meeting


@pytest.fixture
def course_with_people(db):
    trainer = create_user(Role.TRAINER)
    course = create_course(trainers=[trainer])
    people = [create_user(full_name="Łukasz Żółkiewski", company_name="Metal-Tech Suwałki"),
              create_user(full_name="Gražina Šimkutė", company_name="UAB Marijampolės metalas", country=Country.LT),
              create_user(full_name="Ąžuolas Ėglė Ųšaitis", country=Country.LT)]
    for person in people:
        enrol(person, course)
    outsider = create_user(full_name="Niezapisany Nowak")
    return trainer, course, people, outsider


def test_the_roster_form_marks_everyone_and_keeps_corrections(client, login, db, course_with_people):
    trainer, course, people, _ = course_with_people
    meeting = create_meeting(course, trainer=trainer)
    login(trainer)
    html = client.get(f"/meetings/{meeting.id}/roster").get_data(as_text=True)
    assert all(p.full_name in html for p in people)
    data = {}
    for index, person in enumerate(people):
        data[f"entries-{index}-user_id"] = str(person.id)
        data[f"entries-{index}-status"] = ["present", "late", "excused"][index]
        data[f"entries-{index}-remark"] = "zwolnienie lekarskie" if index == 2 else ""
    assert client.post_form(f"/meetings/{meeting.id}/roster", data).status_code == 303
    data["entries-1-status"] = "absent"  # a correction
    client.post_form(f"/meetings/{meeting.id}/roster", data)
    db.session.expire_all()
    statuses = {a.user_id: a.status for a in db.session.scalars(select(Attendance))}
    assert statuses == {people[0].id: AttendanceStatus.PRESENT, people[1].id: AttendanceStatus.ABSENT,
                        people[2].id: AttendanceStatus.EXCUSED}
    corrected = db.session.scalar(select(Attendance).where(Attendance.user_id == people[1].id))
    assert [(c.from_status, c.to_status, c.actor_id) for c in corrected.changes] == [
        (None, AttendanceStatus.LATE, trainer.id), (AttendanceStatus.LATE, AttendanceStatus.ABSENT, trainer.id)]


def test_the_roster_refuses_people_not_on_it(client, login, db, course_with_people):
    trainer, course, _, outsider = course_with_people
    meeting = create_meeting(course, trainer=trainer)
    login(trainer)
    response = client.post_form(f"/meetings/{meeting.id}/roster", {"entries-0-user_id": str(outsider.id),
                                                                   "entries-0-status": "present"},
                                follow_redirects=True)
    assert "Only people on the roster can be marked" in response.get_data(as_text=True)
    assert db.session.scalar(select(Attendance)) is None


def test_trainers_run_only_their_meetings_and_trainees_see_only_their_own(client, login, db, course_with_people):
    trainer, course, people, outsider = course_with_people
    meeting = create_meeting(course, trainer=trainer)
    login(create_user(Role.TRAINER))
    for url in (f"/meetings/{meeting.id}/roster", f"/meetings/{meeting.id}/sheet.pdf",
                f"/meetings/{meeting.id}/evidence.zip", f"/meetings/{meeting.id}/edit", f"/meetings/{meeting.id}"):
        assert client.get(url).status_code == 403, url
    client.post_form("/logout")
    login(people[0])
    assert client.get(f"/meetings/{meeting.id}").status_code == 200
    assert people[1].full_name not in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    for url in (f"/meetings/{meeting.id}/roster", f"/meetings/{meeting.id}/sheet.pdf", "/meetings/"):
        assert client.get(url).status_code == 403, url
    assert client.post_form(f"/meetings/{meeting.id}/roster", {"entries-0-user_id": str(people[1].id),
                                                               "entries-0-status": "absent"}).status_code == 403
    assert db.session.scalar(select(Attendance)) is None
    client.post_form("/logout")
    login(outsider)
    assert client.get(f"/meetings/{meeting.id}").status_code == 403
    client.post_form("/logout")
    login(create_user(Role.COORDINATOR))
    assert client.get(f"/meetings/{meeting.id}/roster").status_code == 200


def test_a_trainer_plans_a_meeting_in_vilnius_time_and_warsaw_sees_it_an_hour_earlier(client, login, db):
    trainer = create_user(Role.TRAINER, language="en", timezone="Europe/Vilnius")
    course = create_course(trainers=[trainer])
    login(trainer)
    response = client.post_form(f"/courses/{course.id}/meetings/new", {
        "title_pl": "Spawanie TIG – pokaz", "starts_local": "2026-12-03T10:00", "ends_local": "2026-12-03T14:00",
        "timezone": "Europe/Vilnius", "venue_company": "UAB Alytaus metalas", "venue_address": "Alytus",
        "venue_country": "LT", "online_url": "", "trainer_id": str(trainer.id), "capacity": "", "language": "lt"})
    assert response.status_code == 303
    meeting = db.session.scalar(select(TrainingSession))
    assert meeting.starts_at == datetime(2026, 12, 3, 8, 0, tzinfo=UTC)  # 10:00 in Vilnius (UTC+2) is 08:00 UTC
    enrolled_in_warsaw = create_user(language="en", timezone="Europe/Warsaw")
    enrol(enrolled_in_warsaw, course)
    client.post_form("/logout")
    client.post_form("/login", {"email": enrolled_in_warsaw.email, "password": "correct horse battery"})
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "9:00" in html and "at the venue: 10:00, Europe/Vilnius" in html


def test_the_calendar_feed_has_the_meeting_at_10_vilnius(client, login, db):
    course = create_course()
    trainee = create_user(language="pl")
    enrol(trainee, course)
    create_meeting(course, starts_at=datetime(2026, 12, 3, 8, 0, tzinfo=UTC), timezone="Europe/Vilnius",
                   title="Spawanie TIG")
    login(trainee)
    html = client.get("/my/training").get_data(as_text=True)
    feed = html.split('class="copyable"')[0].rsplit('value="', 1)[1].split('"')[0]
    client.post_form("/logout")
    response = client.get(urlsplit(feed).path)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    event = calendar.walk("VEVENT")[0]
    start = event.decoded("dtstart")
    assert (start.hour, start.minute, str(start.tzinfo)) == (10, 0, "Europe/Vilnius")
    assert start.astimezone(UTC).hour == 8
    assert b"DTSTART;TZID=Europe/Vilnius:20261203T100000" in response.data
    assert b"BEGIN:VTIMEZONE" in response.data and b"TZID:Europe/Vilnius" in response.data
    assert client.get("/calendar/not-a-real-token.ics").status_code == 404


def test_regenerating_the_calendar_address_kills_the_old_one(client, login, db):
    trainee = create_user()
    login(trainee)
    client.get("/my/training")
    db.session.refresh(trainee)
    old = trainee.calendar_token
    client.post_form("/my/calendar/regenerate")
    db.session.refresh(trainee)
    assert trainee.calendar_token != old
    assert client.get(f"/calendar/{old}.ics").status_code == 404


def test_the_attendance_sheet_pdf_lists_exactly_the_enrolled_with_diacritics(client, login, db, course_with_people):
    trainer, course, people, outsider = course_with_people
    meeting = create_meeting(course, trainer=trainer, language="lt", title="Praktinis užsiėmimas – ąčęėįšųūž")
    meeting.venue_company = "Hala szkoleniowa"
    login(trainer)
    response = client.get(f"/meetings/{meeting.id}/sheet.pdf")
    assert response.mimetype == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    for person in people:
        assert person.full_name in text
    assert outsider.full_name not in text and trainer.full_name in text
    assert "Dalyvių sąrašas" in text and "Parašas" in text  # in the meeting's language
    assert "ąčęėįšųūž" in text and "Łukasz Żółkiewski" in text
    assert text.count("Metal-Tech Suwałki") == 1


def test_signed_scans_are_checked_stored_and_kept(client, login, db, course_with_people):
    trainer, course, _, _ = course_with_people
    meeting = create_meeting(course, trainer=trainer)
    login(trainer)

    def upload(name, data):
        return client.post(f"/meetings/{meeting.id}/signed-sheets", data={
            "csrf_token": client.csrf_token(), "file": (io.BytesIO(data), name)}, content_type="multipart/form-data",
            follow_redirects=True)

    assert "Upload the scan as a PDF, JPG or PNG file." in upload("scan.pdf", b"MZ not a pdf").get_data(as_text=True)
    upload("lista-podpisana.pdf", PDF)
    upload("lista-2.png", PNG)
    db.session.refresh(meeting)
    assert [s.original_filename for s in meeting.signed_sheets] == ["lista-2.png", "lista-podpisana.pdf"]
    first = meeting.signed_sheets[-1]
    assert client.get(f"/meetings/{meeting.id}/signed-sheets/{first.id}").data == PDF


def test_the_evidence_pack_holds_sheet_scan_records_and_materials(client, login, db, course_with_people):
    trainer, course, people, _ = course_with_people
    meeting = create_meeting(course, trainer=trainer)
    create_material(first_lesson(course), filename="WPS-135.pdf")
    services.record_attendance(meeting, people[0], AttendanceStatus.PRESENT, "=HYPERLINK(\"x\")", trainer,
                               AttendanceMethod.ROSTER)
    db.session.commit()
    login(trainer)
    client.post(f"/meetings/{meeting.id}/signed-sheets", data={"csrf_token": client.csrf_token(),
                                                               "file": (io.BytesIO(PDF), "scan.pdf")},
                content_type="multipart/form-data")
    response = fetch_generated(client, f"/meetings/{meeting.id}/evidence.zip")  # built by a worker (here)
    assert response.headers["Content-Disposition"].startswith("attachment")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert {"attendance-sheet.pdf", "attendance.csv", "materials.csv"} <= set(names)
    assert any(n.startswith("signed-sheets/") and n.endswith(".pdf") for n in names)
    records = archive.read("attendance.csv").decode("utf-8-sig")
    assert "Łukasz Żółkiewski" in records and "present" in records and "not recorded" in records
    assert "'=HYPERLINK" in records  # formula neutralised
    assert "WPS-135.pdf" in archive.read("materials.csv").decode("utf-8-sig")


def test_attendance_rate_counts_present_and_late_and_leaves_out_excused_and_cancelled(db, course_with_people):
    trainer, course, people, _ = course_with_people
    person = people[0]
    past = utcnow() - timedelta(days=10)
    meetings = [create_meeting(course, trainer=trainer, starts_at=past + timedelta(days=i)) for i in range(5)]
    future = create_meeting(course, trainer=trainer, starts_at=utcnow() + timedelta(days=5))
    marks = [AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED]
    for meeting, status in zip(meetings, marks, strict=False):
        services.record_attendance(meeting, person, status, None, trainer, AttendanceMethod.ROSTER)
    services.cancel_meeting(trainer, meetings[4], "awaria suwnicy")
    db.session.commit()
    assert services.attendance_rate(person.id, course.id) == pytest.approx(2 / 3)
    assert services.attendance_rate(people[1].id, course.id) == 0.0
    del future


def test_every_change_is_signalled_for_completion(db, course_with_people):
    trainer, course, people, _ = course_with_people
    meeting = create_meeting(course, trainer=trainer)
    received = []

    def receiver(sender, **kwargs):
        received.append((sender.user_id, sender.status, kwargs["actor"].id))

    attendance_changed.connect(receiver)
    try:
        services.record_attendance(meeting, people[0], AttendanceStatus.ABSENT, None, trainer, AttendanceMethod.ROSTER)
        services.record_attendance(meeting, people[0], AttendanceStatus.ABSENT, None, trainer, AttendanceMethod.ROSTER)
        services.record_attendance(meeting, people[0], AttendanceStatus.PRESENT, None, trainer, AttendanceMethod.ROSTER)
    finally:
        attendance_changed.disconnect(receiver)
    assert received == [(people[0].id, AttendanceStatus.ABSENT, trainer.id),
                        (people[0].id, AttendanceStatus.PRESENT, trainer.id)]
    assert db.session.scalar(select(AttendanceChange).where(AttendanceChange.to_status == AttendanceStatus.PRESENT))


def test_meeting_input_errors_are_clear_and_change_nothing(client, login, db):
    trainer = create_user(Role.TRAINER, language="lt")
    course = create_course(trainers=[trainer])
    login(trainer)
    base = {"title_lt": "X", "starts_local": "2026-12-03T10:00", "ends_local": "2026-12-03T09:00",
            "timezone": "Europe/Vilnius", "venue_company": "", "venue_address": "", "venue_country": "LT",
            "online_url": "", "trainer_id": "0", "capacity": "", "language": "lt"}
    response = client.post_form(f"/courses/{course.id}/meetings/new", base)
    assert response.status_code == 422
    assert "Užsiėmimas turi baigtis vėliau, nei prasideda." in response.get_data(as_text=True)
    response = client.post_form(f"/courses/{course.id}/meetings/new", {**base, "ends_local": "2026-12-03T12:00",
                                                                       "timezone": "Mars/Olympus"})
    assert response.status_code == 422
    assert db.session.scalar(select(TrainingSession)) is None


def test_my_training_shows_enrolments_meetings_rate_and_ticket(client, login, db, course_with_people):
    trainer, course, people, _ = course_with_people
    held = create_meeting(course, trainer=trainer, starts_at=utcnow() - timedelta(days=2))
    create_meeting(course, trainer=trainer, starts_at=utcnow() + timedelta(days=2), title="Następne spotkanie")
    services.record_attendance(held, people[0], AttendanceStatus.PRESENT, None, trainer, AttendanceMethod.ROSTER)
    db.session.commit()
    login(people[0])
    html = client.get("/my/training").get_data(as_text=True)
    assert "Następne spotkanie" in html and "100%" in html and "/my/ticket.svg" in html
    svg = client.get("/my/ticket.svg")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data


def test_the_attendance_sheet_copes_with_markup_characters(client, login, db, course_with_people):
    trainer, course, people, _ = course_with_people
    people[0].company_name = "Spawalnia <Łomża> & Synowie"
    meeting = create_meeting(course, trainer=trainer, title="Test <MAG> & TIG")
    db.session.commit()
    login(trainer)
    response = client.get(f"/meetings/{meeting.id}/sheet.pdf")
    assert response.status_code == 200
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Spawalnia <Łomża> & Synowie" in text and "Test <MAG> & TIG" in text


def test_a_trainees_meeting_lists_name_the_course_and_place_and_say_when_one_is_under_way(client, login, db):
    course = create_course(title={"pl": "Spawanie MAG", "en": "MAG welding"})
    trainee = create_user(language="pl")
    enrol(trainee, course)
    create_meeting(course, title="Warsztat A", starts_at=utcnow() - timedelta(minutes=30),
                   venue_company="Metal-Tech", venue_address="ul. Fabryczna 1, Suwałki")
    create_meeting(course, title="Warsztat B", starts_at=utcnow() + timedelta(days=2), venue_company="Laser-Pro",
                   venue_address=None)
    login(trainee)
    for page in ("/my/training", "/learning/"):
        html = client.get(page).get_data(as_text=True)
        first, second = html.split("Warsztat A", 1)[1].split("Warsztat B", 1)
        assert "trwa" in first and "Spawanie MAG" in first and "Metal-Tech, ul. Fabryczna 1, Suwałki" in first
        assert "trwa" not in second.split("</li>")[0] and "Laser-Pro" in second.split("</li>")[0]


@pytest.mark.parametrize(("language", "when"), [
    ("lt", "Data ir laikas: 2026 m. gruodžio 11 d. 10:00–16:00 (Europe/Vilnius)"),  # not "11 gruodžio 2026"
    ("pl", "Data i godzina: 11 grudnia 2026, 10:00–16:00 (Europe/Vilnius)"),  # the day once for a one-day meeting
])
def test_the_attendance_sheet_writes_the_venues_day_as_its_language_does(client, login, db, course_with_people,
                                                                         language, when):
    trainer, course, _people, _outsider = course_with_people
    meeting = create_meeting(course, trainer=trainer, language=language, timezone="Europe/Vilnius", hours=6,
                             starts_at=datetime(2026, 12, 11, 8, 0, tzinfo=UTC))
    login(trainer)
    text = "\n".join(page.extract_text() for page in
                     PdfReader(io.BytesIO(client.get(f"/meetings/{meeting.id}/sheet.pdf").data)).pages)
    assert when in " ".join(text.split())
