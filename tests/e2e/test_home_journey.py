"""Acceptance: on a phone (360×740) a trainee checks in to today's meeting from the home page — tap "Check in",
type the code the trainer shows, tap the button — in Lithuanian (the account's language) and in Polish (chosen
with the language switcher). The button shows without scrolling."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from app.core.permissions import Role

PHONE = {"width": 360, "height": 740}


def todays_meeting(live_server, trainee_email: str) -> int:
    from app.accounts.services import find_user_by_email
    from app.core.db import utcnow
    from tests.factories.catalogue import create_course
    from tests.factories.enrolment import enrol
    from tests.factories.training import create_meeting

    with live_server.app.app_context():
        trainee = find_user_by_email(trainee_email)
        course = create_course(title={"en": "CNC milling", "pl": "Frezowanie CNC", "lt": "CNC frezavimas"})
        enrol(trainee, course)
        meeting = create_meeting(course, title="Warsztaty w Metal-Tech", starts_at=utcnow() - timedelta(minutes=5))
        return meeting.id


def current_code(live_server, meeting_id: int) -> str:
    from app.extensions import db
    from app.training.checkin import current_code
    from app.training.models import TrainingSession

    with live_server.app.app_context():
        try:
            return current_code(db.session.get(TrainingSession, meeting_id))
        finally:
            db.session.remove()


def attendance_of(live_server, meeting_id: int, user_id: int):
    from app.extensions import db
    from app.training.models import Attendance

    with live_server.app.app_context():
        try:
            row = db.session.scalar(select(Attendance).where(Attendance.session_id == meeting_id,
                                                             Attendance.user_id == user_id))
            return (row.status.value, row.method.value) if row else None
        finally:
            db.session.remove()


def log_in(page, live_server, email: str):
    """On the login page the phone's browser language (English here) rules; after it, the account's."""
    page.goto(live_server("/login"))
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password", exact=True).fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def check_in_from_home(page, live_server, meeting_id: int, button: str, submit: str, code_label: str) -> None:
    page.goto(live_server("/"))
    check_in = page.get_by_role("link", name=button, exact=True)
    expect(check_in).to_be_in_viewport()  # on the first screen: no scrolling
    assert check_in.bounding_box()["y"] + check_in.bounding_box()["height"] <= PHONE["height"]
    check_in.click()  # tap 1
    page.get_by_label(code_label).fill(current_code(live_server, meeting_id))
    page.get_by_role("button", name=submit).click()  # tap 2


def test_a_lithuanian_trainee_checks_in_from_the_home_page_in_two_taps(page, live_server, make_user):
    page.set_viewport_size(PHONE)
    trainee = make_user(Role.TRAINEE, language="lt", full_name="Gintarė Šimkutė")
    meeting_id = todays_meeting(live_server, trainee["email"])
    log_in(page, live_server, trainee["email"])
    page.goto(live_server("/"))
    expect(page.get_by_role("heading", name="Šiandien")).to_be_visible()
    check_in_from_home(page, live_server, meeting_id, "Registruotis", "Registruotis", "Mokytojo rodomas kodas")
    expect(page.get_by_text("Jūsų dalyvavimas užregistruotas. Ačiū!")).to_be_visible()
    assert attendance_of(live_server, meeting_id, trainee["id"]) == ("present", "self_checkin")
    page.goto(live_server("/"))  # back home: it says so instead of offering the button again
    expect(page.get_by_text("Jūsų dalyvavimas užregistruotas.", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Registruotis", exact=True)).to_have_count(0)


def test_a_polish_trainee_chooses_polish_and_checks_in_from_the_home_page(page, live_server, make_user):
    page.set_viewport_size(PHONE)
    trainee = make_user(Role.TRAINEE, language="en", full_name="Łukasz Żółkiewski")
    meeting_id = todays_meeting(live_server, trainee["email"])
    log_in(page, live_server, trainee["email"])
    page.goto(live_server("/"))
    page.locator(".language-switcher button[value=pl]").click()  # the language switcher
    expect(page.get_by_role("heading", name="Dzisiaj")).to_be_visible()
    check_in_from_home(page, live_server, meeting_id, "Potwierdź obecność", "Potwierdź obecność",
                       "Kod pokazany przez trenera")
    expect(page.get_by_text("Twoja obecność została odnotowana. Dziękujemy!")).to_be_visible()
    assert attendance_of(live_server, meeting_id, trainee["id"]) == ("present", "self_checkin")
