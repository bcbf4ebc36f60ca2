"""Figures as the reader's language writes them: on the report pages, in the summary PDF (whose table keeps words
and dates whole), in at-risk reasons, on a placement and a quiz result (issue 16: "100.0%", "44.0", "16.0 z 160")."""

import io
import re
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from app.core.pdf import CELL_PADDING, fit_widths, register_fonts
from app.core.permissions import Role
from app.placements import logbook
from app.placements.models import PlacementStatus
from app.reporting.models import Indicator, Measure
from app.reporting.risk import AtRisk
from tests.factories import create_user
from tests.factories.placements import create_company, create_placement
from tests.reporting import world as w

W1 = {"pl": "Liczba uczestników szkoleń transgranicznych", "lt": "Mokymų dalyvių skaičius"}


@pytest.fixture
def polish_coordinator(db, client, login):
    world = w.build()
    db.session.add(Indicator(code="W1", name=W1, measure=Measure.TRAINEES_ENROLLED, target_value=88.5,
                             milestone_value=44, milestone_on=date(2027, 1, 31), period_start=date(2026, 8, 6),
                             period_end=date(2027, 8, 1)))
    user = create_user(Role.COORDINATOR, language="pl")
    db.session.commit()
    login(user)
    return world


def test_report_pages_write_figures_in_polish(client, polish_coordinator):
    for path in ("/reports/", "/reports/indicators"):
        html = client.get(path).get_data(as_text=True)
        assert "88,5" in html and "44 (31 sty 2027)" in html, path
        assert not re.search(r">\s*\d+\.\d\b", html.replace("88,5", "")), path  # no "44.0", "88.5", "3.0"


def test_the_summary_pdf_keeps_words_and_dates_whole_and_writes_polish_numbers(client, polish_coordinator):
    response = client.get("/reports/summary.pdf?lang=pl")
    assert response.status_code == 200
    lines = [" ".join(line.split()) for page in PdfReader(io.BytesIO(response.data)).pages
             for line in page.extract_text().splitlines()]
    text = "\n".join(lines)
    for whole in ("6.08.2026", "1.08.2027", "31.01.2027", "Jednostka", "pośrednia", "transgranicznych", "88,5"):
        assert whole in text, whole  # on one line: not "6.08.202" + "6", not "Jednostk" + "a"
    assert not re.search(r"\d\.\d %|\d+\.\d\b(?!\d)", text.replace("6.08.2026", "").replace("1.08.2027", "")
                         .replace("31.01.2027", ""))  # no "5.7 %", "88.5"
    assert re.search(r"\b\d+(,\d)?%", text)  # Polish percentages: "3,4%"


def test_fitted_columns_hold_their_longest_word():
    regular, bold = register_fonts()
    rows = [["Kod", "Termin wartości pośredniej", "Osiągnięto"], ["W1", "31.01.2027", "5,7%"]]
    widths = fit_widths(rows, [bold, regular], 7, 300)
    for column, width in enumerate(widths):
        longest = max(pdfmetrics.stringWidth(word, bold if r == 0 else regular, 7)
                      for r, row in enumerate(rows) for word in row[column].split())
        assert width >= longest + 2 * CELL_PADDING
    assert sum(widths) <= 300


@pytest.mark.parametrize(("language", "reason", "day"), [
    ("pl", "może osiągnąć najwyżej 50% frekwencji z wymaganych 80%", "30 lis 2026"),
    ("lt", "gali pasiekti daugiausia 50\xa0% lankomumo iš reikalaujamų 80\xa0%", "2026-11-30"),
    ("en", "can reach at most 50% attendance of the 80% needed", "Nov 30, 2026"),
])
def test_at_risk_reasons_write_percentages_and_days_in_the_readers_language(app, language, reason, day):
    entry = AtRisk(enrolment_id=1, user_id=1, full_name="X", email=None, country="PL", company=None, course_id=1,
                   course_title={}, last_activity=None,
                   reasons=[("attendance", {"reachable": 50, "needed": 80}), ("ended", {"day": "2026-11-30"})])
    with app.test_request_context(), force(language):
        texts = entry.reason_texts()
    assert texts[0] == reason
    assert day in texts[1]


def force(language):
    from flask_babel import force_locale

    return force_locale(language)


def test_a_placement_writes_confirmed_hours_in_polish(client, login, db):
    mentor, trainee = create_user(Role.TRAINER), create_user(language="pl")
    placement = create_placement(trainee, create_company(mentors=[mentor]), mentor=mentor,
                                 status=PlacementStatus.IN_PROGRESS, starts_on=date.today() - timedelta(days=10))
    entry = logbook.save_entry(trainee, placement, placement.starts_on, 7.5, "Spawanie MAG")
    logbook.review_entry(mentor, entry, True, None)
    db.session.commit()
    login(trainee)
    html = client.get(f"/placements/{placement.id}").get_data(as_text=True)
    assert re.search(r'id="hours">[^<]*7,5 z 160', html), re.search(r'id="hours">[^<]*', html).group(0)
