"""Reports count the meetings people belong to, and exports date things on the asker's clock (workers too)."""

import csv
import io
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from app.accounts.models import Country
from app.core.db import utcnow
from app.core.permissions import Role
from app.reporting import measures, risk, summary_pdf
from app.reporting.measures import Scope
from app.training.models import AttendanceMethod, AttendanceStatus
from app.training.services import record_attendance
from tests.downloads.helpers import fetch_generated
from tests.factories import create_user
from tests.factories.catalogue import create_course
from tests.factories.enrolment import enrol
from tests.factories.training import create_meeting


def at_half_past_midnight(zone: str, days_ago: int) -> tuple[datetime, str]:
    """A start at 00:30 on the zone's wall clock (the UTC date is the day before) and that local day."""
    day = (utcnow() - timedelta(days=days_ago)).astimezone(ZoneInfo(zone)).date()
    return datetime.combine(day, time(0, 30), ZoneInfo(zone)), day.isoformat()


@pytest.fixture
def world(db):
    trainer = create_user(Role.TRAINER)
    course = create_course(trainers=[trainer])
    early, late = create_user(full_name="Adam Early"), create_user(full_name="Ona Vėlyvoji", country=Country.LT)
    enrol(early, course)
    meetings = [create_meeting(course, trainer=trainer, title=f"M{n}", starts_at=utcnow() - timedelta(days=d))
                for n, d in enumerate((10, 8, 4, 2), 1)]
    enrol(late, course, since=utcnow() - timedelta(days=6))
    for meeting in meetings[2:]:
        record_attendance(meeting, late, AttendanceStatus.PRESENT, None, trainer, AttendanceMethod.ROSTER)
    return trainer, course, early, late, meetings


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.data.decode("utf-8").lstrip("\ufeff"))))


def test_the_matrix_shows_not_enrolled_yet_and_rates_over_the_persons_own_meetings(client, login, db, world):
    _trainer, course, _early, _late, _meetings = world
    login(create_user(Role.COORDINATOR, language="en"))
    rows = csv_rows(client.get(f"/reports/export/attendance-{course.id}.csv"))
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Ona Vėlyvoji"][2:] == ["–", "–", "P", "P", "100.0"]
    assert by_name["Adam Early"][2:] == ["A", "A", "A", "A", "0.0"]
    page = client.get("/reports/").get_data(as_text=True)
    assert "not enrolled yet: held before the person joined the course (not counted)" in page


def test_report_figures_and_the_at_risk_list_leave_out_meetings_before_enrolment(db, world):
    _trainer, course, _early, late, _meetings = world
    assert measures.attendance_rate(Scope()) == pytest.approx(2 / 6)  # Adam 0 of 4, Ona 2 of her 2
    flagged = {entry.user_id: entry.reasons for entry in risk.at_risk(Scope(course_ids=frozenset({course.id})))}
    assert not any(code == "missed" for code, _values in flagged.get(late.id, []))


def test_a_meeting_at_half_past_midnight_is_headed_with_its_local_date(client, login, db):
    trainer = create_user(Role.TRAINER)
    course = create_course(trainers=[trainer])
    enrol(create_user(), course)
    starts, local_day = at_half_past_midnight("Europe/Warsaw", 3)
    create_meeting(course, trainer=trainer, title="Nocna zmiana", starts_at=starts)
    assert starts.astimezone(ZoneInfo("UTC")).date().isoformat() != local_day
    login(create_user(Role.COORDINATOR, language="pl", timezone="Europe/Warsaw"))
    header = csv_rows(client.get(f"/reports/export/attendance-{course.id}.csv"))[0]
    assert f"{local_day} Nocna zmiana" in header


def test_a_worker_builds_the_xlsx_matrix_on_the_askers_clock(client, login, db):
    trainer = create_user(Role.TRAINER)
    course = create_course(trainers=[trainer])
    enrol(create_user(), course)
    starts, local_day = at_half_past_midnight("Europe/Vilnius", 3)  # 23:30 the day before in Warsaw (the default)
    create_meeting(course, trainer=trainer, title="Naktinė pamaina", starts_at=starts, timezone="Europe/Vilnius")
    login(create_user(Role.COORDINATOR, language="lt", country=Country.LT, timezone="Europe/Vilnius"))
    response = fetch_generated(client, f"/reports/export/attendance-{course.id}.xlsx")
    header = next(load_workbook(io.BytesIO(response.data), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert f"{local_day} Naktinė pamaina" in header


def test_the_lithuanian_summary_is_prepared_on_the_local_day_without_a_double_full_stop(client, login, db,
                                                                                      monkeypatch):
    monkeypatch.setattr(summary_pdf, "utcnow", lambda: datetime(2026, 3, 9, 23, 30, tzinfo=ZoneInfo("UTC")))
    login(create_user(Role.COORDINATOR, language="lt", country=Country.LT, timezone="Europe/Vilnius"))
    text = " ".join(PdfReader(io.BytesIO(client.get("/reports/summary.pdf").data)).pages[0].extract_text().split())
    assert "Parengta 2026 m. kovo 10 d." in text  # 01:30 on 10 March in Vilnius
    assert "d.." not in text


def test_the_people_export_dates_enrolments_on_the_viewers_clock(client, login, db):
    course = create_course()
    enrolment = enrol(create_user(full_name="Jonas Naktinis"), course)
    starts, local_day = at_half_past_midnight("Europe/Warsaw", 5)
    enrolment.created_at = starts
    db.session.commit()
    login(create_user(Role.COORDINATOR, language="pl", timezone="Europe/Warsaw"))
    rows = csv_rows(client.get("/reports/export/people.csv?figure=enrolled"))
    assert [row[-1] for row in rows[1:] if row[0] == "Jonas Naktinis"] == [local_day]


def test_the_trainees_record_marks_meetings_held_before_they_enrolled(client, login, db, world):
    _trainer, _course, early, late, _meetings = world
    login(create_user(Role.COORDINATOR, language="en"))
    assert client.get(f"/reports/people/{late.id}").get_data(as_text=True).count("not enrolled yet (not counted)") == 2
    assert "not enrolled yet" not in client.get(f"/reports/people/{early.id}").get_data(as_text=True)


def test_the_trainees_record_names_statuses_in_the_readers_language(client, login, db):
    course = create_course()
    trainer = create_user(Role.TRAINER)
    person = create_user(full_name="Rūta Žemaitė")
    enrol(person, course)
    meeting = create_meeting(course, trainer=trainer, starts_at=utcnow() - timedelta(hours=1))
    record_attendance(meeting, person, AttendanceStatus.PRESENT, None, trainer, AttendanceMethod.ROSTER)
    db.session.commit()
    login(create_user(Role.COORDINATOR, language="pl"))
    html = client.get(f"/reports/people/{person.id}").get_data(as_text=True)
    assert "<td>zapisany</td>" in html and ": obecny</li>" in html  # were "enrolled", "present"
    assert ">enrolled<" not in html and ": present<" not in html
