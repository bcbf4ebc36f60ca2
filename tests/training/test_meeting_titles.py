"""A meeting's title per language: each reader sees theirs (pages, calendar, mail); a fallback says its language."""

import io
import re
from datetime import timedelta
from urllib.parse import urlsplit

from icalendar import Calendar
from pypdf import PdfReader
from sqlalchemy import select

from app.accounts.models import Country
from app.core.db import utcnow
from app.core.permissions import Role
from app.training.models import TrainingSession
from tests.factories import create_user
from tests.factories.catalogue import create_course
from tests.factories.enrolment import enrol
from tests.factories.training import create_meeting
from tests.notifications.helpers import notices, shown

TITLES = {"pl": "Spawanie blach – pokaz", "lt": "Skardos suvirinimas – demonstracija"}
FORM = {"starts_local": "2031-03-10T09:00", "ends_local": "2031-03-10T12:00", "timezone": "Europe/Warsaw",
        "venue_company": "Metal-Tech", "venue_address": "", "venue_country": "PL", "online_url": "",
        "trainer_id": "0", "capacity": "", "language": "pl"}


def test_a_lithuanian_trainee_sees_the_lithuanian_title_and_a_polish_one_the_polish(client, login, db):
    course = create_course(title={"pl": "Spawanie", "lt": "Suvirinimas"})
    meeting = create_meeting(course, title=dict(TITLES), starts_at=utcnow() + timedelta(days=1))
    vilnius, warsaw = create_user(language="lt", country=Country.LT), create_user(language="pl")
    for person in (vilnius, warsaw):
        enrol(person, course)
    login(vilnius)
    for page in (f"/meetings/{meeting.id}", "/my/training"):
        html = client.get(page).get_data(as_text=True)
        assert TITLES["lt"] in html and TITLES["pl"] not in html, page
    client.post_form("/logout")
    login(warsaw)
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert TITLES["pl"] in html and TITLES["lt"] not in html


def test_a_title_missing_in_the_readers_language_is_shown_in_the_source_language_marked_with_it(client, login, db):
    course = create_course(title={"pl": "Spawanie", "lt": "Suvirinimas"})  # source language: Polish
    meeting = create_meeting(course, title={"pl": "Tylko po polsku"}, starts_at=utcnow() + timedelta(days=1))
    vilnius = create_user(language="lt", country=Country.LT)
    enrol(vilnius, course)
    login(vilnius)
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert re.search(r'<h1><span lang="pl">Tylko po polsku</span></h1>', html)
    assert "<title>Tylko po polsku" in html  # the window's title has no markup
    assert '<span lang="pl">Tylko po polsku</span>' in client.get("/my/training").get_data(as_text=True)


def test_the_meeting_form_takes_the_title_in_each_language_and_needs_one(client, login, db):
    trainer = create_user(Role.TRAINER, language="pl")
    course = create_course(trainers=[trainer])
    login(trainer)
    form = client.get(f"/courses/{course.id}/meetings/new").get_data(as_text=True)
    assert all(f'name="title_{lang}"' in form for lang in ("pl", "lt", "en"))
    response = client.post_form(f"/courses/{course.id}/meetings/new", {**FORM, "title_pl": " ", "title_lt": ""})
    assert response.status_code == 422
    assert "Podaj tytuł spotkania, przynajmniej w jednym języku." in response.get_data(as_text=True)
    assert db.session.scalar(select(TrainingSession)) is None
    response = client.post_form(f"/courses/{course.id}/meetings/new", {**FORM, "title_lt": " Tik lietuviškai "})
    assert response.status_code == 303
    meeting = db.session.scalar(select(TrainingSession))
    assert meeting.title == {"lt": "Tik lietuviškai"}
    response = client.post_form(f"/meetings/{meeting.id}/edit", {**FORM, "title_pl": "Po polsku",
                                                                 "title_lt": "Lietuviškai"})
    assert response.status_code == 303
    db.session.refresh(meeting)
    assert meeting.title == {"pl": "Po polsku", "lt": "Lietuviškai"}
    edit = client.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert 'value="Lietuviškai"' in edit and 'value="Po polsku"' in edit


def test_the_calendar_names_the_meeting_in_its_owners_language(client, login, db):
    course = create_course(title={"pl": "Spawanie", "lt": "Suvirinimas"})
    create_meeting(course, title=dict(TITLES), starts_at=utcnow() + timedelta(days=1))
    vilnius = create_user(language="lt", country=Country.LT)
    enrol(vilnius, course)
    login(vilnius)
    html = client.get("/my/training").get_data(as_text=True)
    feed = html.split('class="copyable"')[0].rsplit('value="', 1)[1].split('"')[0]
    client.post_form("/logout")
    event = Calendar.from_ical(client.get(urlsplit(feed).path).data).walk("VEVENT")[0]
    assert str(event["summary"]) == f"Suvirinimas: {TITLES['lt']}"


def test_the_attendance_sheet_names_the_meeting_in_the_sheets_language(client, login, db):
    trainer = create_user(Role.TRAINER, language="pl")
    course = create_course(trainers=[trainer])
    meeting = create_meeting(course, trainer=trainer, language="lt", title=dict(TITLES))
    login(trainer)
    response = client.get(f"/meetings/{meeting.id}/sheet.pdf")
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.data)).pages)
    assert TITLES["lt"] in text and TITLES["pl"] not in text


def test_a_notice_names_the_meeting_in_each_recipients_language(db):
    from app.training import services

    trainer = create_user(Role.TRAINER)
    course = create_course(trainers=[trainer], title={"pl": "Spawanie", "lt": "Suvirinimas"})
    warsaw, vilnius = create_user(language="pl"), create_user(language="lt", country=Country.LT)
    for person in (warsaw, vilnius):
        enrol(person, course)
    meeting = create_meeting(course, trainer=trainer, title=dict(TITLES), starts_at=utcnow() + timedelta(days=1))
    services.cancel_meeting(trainer, meeting, "Awaria")
    db.session.commit()
    assert TITLES["lt"] in shown(notices(vilnius)[0])[0] and TITLES["pl"] in shown(notices(warsaw)[0])[0]


def test_the_trainers_pages_mark_a_title_in_another_language_without_escaping_it_twice(client, login, db):
    trainer = create_user(Role.TRAINER, language="lt")
    course = create_course(trainers=[trainer])
    meeting = create_meeting(course, trainer=trainer, title={"pl": "Spawanie <MAG> & TIG"})
    login(trainer)
    roster = client.get(f"/meetings/{meeting.id}/roster").get_data(as_text=True)
    assert re.search(r'<h1>[^<]*: <span lang="pl">Spawanie &lt;MAG&gt; &amp; TIG</span></h1>', roster)
    assert '<span lang="pl">Spawanie &lt;MAG&gt; &amp; TIG</span>' in client.get("/meetings/").get_data(as_text=True)
