"""Exports parsed back: the same rows as the screen, typed cells, Polish and Lithuanian letters intact, CSV safe
against formula injection; the PDF summary read back."""

import csv
import io
import re
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from app.accounts.models import User
from app.core.exports import safe_cell
from app.core.models import AuditEntry
from app.core.permissions import Role
from app.reporting.models import Indicator, Measure
from tests.downloads.helpers import fetch_generated
from tests.factories import create_user
from tests.reporting import world as w


@pytest.fixture
def coordinator(db, client, login):
    world = w.build()
    user = create_user(Role.COORDINATOR)
    login(user)
    return world


def csv_rows(response) -> list[list[str]]:
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def xlsx_rows(response) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def screen_names(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/reports/people/\d+">([^<]+)</a></th>', html)


def test_the_people_export_has_the_rows_of_the_screen_with_typed_cells(client, coordinator):
    html = client.get("/reports/people?figure=enrolled&country=LT").get_data(as_text=True)
    rows = xlsx_rows(fetch_generated(client, "/reports/export/people.xlsx?figure=enrolled&country=LT"))
    assert [r[0] for r in rows[1:]] == screen_names(html) == ["Gražina", "Jonas"]
    header, gražina = rows[0], rows[1]
    assert header[:3] == ("Name", "E-mail", "Country")
    assert gražina[2] == "Lithuania" and gražina[4] == "UAB Marijampolės metalas"
    assert isinstance(gražina[5], int) and isinstance(gražina[7], datetime)  # numbers as numbers, dates as dates
    csv_data = csv_rows(client.get("/reports/export/people.csv?figure=enrolled&country=LT"))
    assert [r[0] for r in csv_data[1:]] == ["Gražina", "Jonas"]
    assert csv_data[1][4] == "UAB Marijampolės metalas" and csv_data[1][7] == gražina[7].date().isoformat()


def test_the_figures_export_matches_the_dashboard_table(client, coordinator):
    rows = xlsx_rows(fetch_generated(client, "/reports/export/figures-country.xlsx"))
    by_country = {r[0]: r for r in rows[1:]}
    lithuania = by_country["Lithuania"]
    assert lithuania[1] == len(w.enrolled_people(country=w.Country.LT))
    assert isinstance(lithuania[3], float) and 0 <= lithuania[3] <= 1  # a percentage cell holds the fraction
    html = client.get("/reports/").get_data(as_text=True)
    assert f'id="total-enrolled">{len(w.enrolled_people())}<' in html


def test_csv_cells_cannot_start_a_formula(client, coordinator, db):
    for n, text in enumerate(("=HYPERLINK(\"http://evil\")", "+48 600 000 000", "-1+2", "@SUM(A1)")):
        create_user(full_name=f"Formula {n}", company_name=text)
    from app.enrolment.models import EnrolmentStatus
    from tests.factories.enrolment import enrol

    for user in db.session.scalars(select(User).where(User.full_name.like("Formula %"))):
        enrol(user, coordinator.courses["welding"], EnrolmentStatus.ENROLLED)
    rows = csv_rows(client.get("/reports/export/people.csv?figure=enrolled"))
    companies = {r[0]: r[4] for r in rows[1:]}
    assert companies["Formula 0"] == "'=HYPERLINK(\"http://evil\")"
    assert companies["Formula 1"] == "'+48 600 000 000"
    assert companies["Formula 2"] == "'-1+2"
    assert companies["Formula 3"] == "'@SUM(A1)"
    assert all(safe_cell(value)[:1] not in "=+-@" for row in rows for value in row if value)


def test_the_attendance_matrix_is_trainee_by_meeting(client, coordinator):
    course = coordinator.courses["welding"]
    rows = xlsx_rows(fetch_generated(client, f"/reports/export/attendance-{course.id}.xlsx"))
    header = rows[0]
    assert header[0] == "Name" and header[-1] == "Attendance rate"
    assert [h.split(" ", 1)[1] for h in header[2:-1]] == ["Meeting w1", "Meeting w2"]  # held, not cancelled
    matrix = {r[0]: r[2:] for r in rows[1:]}
    assert matrix["Łukasz"] == ("P", "E", 1.0)
    assert matrix["Gražina"] == ("A", "A", 0.0)
    assert "Withdrawn" not in matrix


def test_the_placement_register_export_follows_its_filters(client, coordinator):
    rows = csv_rows(client.get("/reports/export/placements.csv?status=completed"))
    assert len(rows) - 1 == sum(1 for p in w.PLACEMENTS if p[3] == w.PlacementStatus.COMPLETED)
    assert {r[0] for r in rows[1:]} == {"Łukasz", "Jonas"}
    assert {r[-1] for r in rows[1:] if r[0] == "Jonas"} == {"no"}  # LT trainee at a LT firm
    cancelled = csv_rows(client.get("/reports/export/placements.csv?status=cancelled"))
    assert [r[0] for r in cancelled[1:]] == ["Gražina"]


def test_the_indicator_table_has_the_monitoring_layout(client, coordinator, db):
    db.session.add(Indicator(code="W1", name={"pl": "Liczba uczestników szkoleń", "lt": "Mokymų dalyvių skaičius"},
                             measure=Measure.TRAINEES_ENROLLED, target_value=88, milestone_value=44,
                             milestone_on=date(2027, 1, 31), period_start=date(2020, 1, 1)))
    db.session.commit()
    rows = xlsx_rows(client.get("/reports/export/indicators.xlsx"))  # small: still in the request
    assert rows[0][:8] == ("Code", "Indicator", "Unit", "Baseline", "Milestone", "Milestone date", "Target",
                           "Achieved")
    assert rows[1][0] == "W1" and rows[1][6] == 88 and rows[1][7] == 3
    assert rows[1][5] == datetime(2027, 1, 31)


def test_the_pdf_summary_reads_back_in_lithuanian(client, coordinator, db):
    db.session.add(Indicator(code="W1", name={"lt": "Mokymų dalyvių skaičius", "en": "Trainees"},
                             measure=Measure.TRAINEES_ENROLLED, target_value=88))
    db.session.commit()
    response = client.get("/reports/summary.pdf?lang=lt&country=LT")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Suvestinė ataskaita" in text and "Mokymų dalyvių skaičius" in text
    assert "Pagal specializaciją" in text and "Lietuva" in text
    assert "Dalyviai pagal specializaciją" in text  # the chart's title


def test_exports_of_personal_data_are_audited(client, coordinator, db):
    client.get("/reports/export/people.csv?figure=completed&country=PL")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "reporting.exported"))
    assert entry.object_id == "people-completed" and entry.after["filters"] == {"figure": "completed",
                                                                               "country": "PL"}


def test_the_pdf_summary_copes_with_markup_characters_in_names(client, coordinator, db):
    coordinator.users["łukasz"].company_name = "Metal & Co <Suwałki>"
    db.session.commit()
    response = client.get("/reports/summary.pdf?lang=pl&company=Metal %26 Co <Suwałki>")
    assert response.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Metal & Co <Suwałki>" in " ".join(text.split())


def test_csv_comes_in_the_standard_dialect_and_in_the_one_polish_and_lithuanian_excel_splits(client, coordinator, db):
    db.session.add(Indicator(code="W1", name={"pl": "Liczba uczestników szkoleń", "lt": "Mokymų dalyvių skaičius"},
                             measure=Measure.TRAINEES_ENROLLED, target_value=88.5, milestone_value=44,
                             milestone_on=date(2027, 1, 31), period_start=date(2020, 1, 1)))
    db.session.commit()
    standard = client.get("/reports/export/indicators.csv").data.decode("utf-8")
    regional = client.get("/reports/export/indicators.csv?dialect=regional").data.decode("utf-8")
    assert standard.startswith("\ufeffCode,Indicator,") and regional.startswith("\ufeffCode;Indicator;")
    [header, row] = list(csv.reader(io.StringIO(regional[1:]), delimiter=";"))[:2]
    target = row[header.index("Target")]
    assert target == "88,5" and ",88.5," in standard  # a decimal comma where Excel expects one
    page = client.get("/reports/indicators").get_data(as_text=True)
    assert "indicators.csv?dialect=regional" in page


def test_the_attendance_matrix_speaks_the_askers_language_and_explains_its_codes(client, coordinator, db):
    coordinator_user = db.session.scalar(select(User).where(User.role == Role.COORDINATOR))
    coordinator_user.language = "pl"
    db.session.commit()
    course = coordinator.courses["welding"]
    response = fetch_generated(client, f"/reports/export/attendance-{course.id}.xlsx")
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    matrix = {r[0]: r[2:] for r in list(book.worksheets[0].iter_rows(values_only=True))[1:]}
    assert matrix["Łukasz"] == ("O", "U", 1.0) and matrix["Gražina"] == ("N", "N", 0.0)  # obecny, usprawiedliwiony
    legend = dict(book.worksheets[1].iter_rows(values_only=True))
    assert book.worksheets[1].title == "Legenda"
    assert legend["O"] == "obecny" and legend["N"] == "nieobecny lub brak wpisu" and "–" in legend
    used = {cell for row in matrix.values() for cell in row[:-1]}
    assert used <= set(legend)  # every code in the table is explained
