"""The installable app offline, on a phone-sized screen: a course saved on the device is read without a network,
actions taken offline wait on the device and reach the server once when the network is back; a typed check-in
code sent later is accepted within the meeting's window and refused after it."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError, expect
from sqlalchemy import func, select

from app.core.db import utcnow
from app.core.permissions import Role

PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "service_workers": "allow"}  # blocked elsewhere (tests/e2e/conftest.py)


@pytest.fixture
def phone(page):
    page.set_viewport_size(PHONE)
    return page


def _controlled(page) -> None:
    """Wait until the service worker controls the page (it claims the open pages when it activates). On a loaded
    machine the first install (precaching the app shell) may not finish in time or may fail on one file: the page
    is then loaded again, which registers the worker again, as a person's next page would."""
    for attempt in range(3):
        try:
            page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null",
                                   timeout=10000)  # a function: a bare expression would be eval'd (the CSP refuses)
            return
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
            page.reload()


def _count(app, statement) -> int:
    from app.extensions import db

    with app.app_context():
        try:
            return db.session.scalar(statement)
        finally:
            db.session.remove()


def test_a_course_read_offline_and_what_was_done_reaches_the_server_once(phone, live_server, make_user,
                                                                          browser_login):
    from app.accounts.services import find_user_by_email
    from app.learning.models import LessonProgress
    from app.offline.models import ReplayKey
    from app.placements.models import LogbookEntry, PlacementStatus
    from tests.factories.catalogue import create_course, create_material, first_lesson
    from tests.factories.enrolment import enrol
    from tests.factories.placements import create_company, create_placement

    page = phone
    trainee = make_user(Role.TRAINEE, language="en")
    with live_server.app.app_context():
        person = find_user_by_email(trainee["email"])
        course = create_course(title={"en": "Offline welding", "pl": "Spawanie offline"})
        enrol(person, course)
        lesson = first_lesson(course)
        material = create_material(lesson, filename="wps-135.pdf")
        placement = create_placement(person, create_company(), status=PlacementStatus.IN_PROGRESS)
        course_id, lesson_id, material_id, placement_id = course.id, lesson.id, material.id, placement.id
    posted_keys: list[str] = []
    page.on("request", lambda request: posted_keys.append(request.headers["idempotency-key"])
            if request.method == "POST" and "idempotency-key" in request.headers else None)

    browser_login(trainee["email"])
    page.goto(live_server(f"/courses/{course_id}"))
    _controlled(page)
    page.goto(live_server(f"/placements/{placement_id}"))  # visited online (through the worker): kept offline
    page.goto(live_server(f"/courses/{course_id}"))
    expect(page.locator(".net-state")).to_have_text("")  # online: the header says nothing
    page.get_by_role("button", name="Make available offline").click()
    expect(page.locator(".offline-course-state")).to_contain_text("Available offline on this device")
    expect(page.get_by_role("button", name="Remove from this device")).to_be_visible()

    page.context.set_offline(True)
    page.goto(live_server(f"/courses/{course_id}/lessons/{lesson_id}"))
    expect(page.locator(".net-state")).to_contain_text("Offline")
    expect(page.get_by_role("heading", name="Lesson 1.1")).to_be_visible()
    expect(page.locator(".lesson-body")).to_contain_text("Some text.")
    pdf = page.evaluate("url => fetch(url).then(r => r.blob()).then(b => [b.type, b.size])",
                        f"/materials/{material_id}/file")
    assert pdf[0] == "application/pdf" and pdf[1] > 0
    page.get_by_role("button", name="Mark as done").click()
    expect(page.locator(".net-notice")).to_contain_text("saved on this device")
    expect(page.locator(".net-waiting")).to_have_text("Waiting to be sent: 1")

    page.goto(live_server(f"/placements/{placement_id}"))
    page.get_by_label("Day", exact=True).fill(date.today().isoformat())
    page.get_by_label("Hours", exact=True).fill("6")
    page.get_by_label("Tasks done").fill("MAG welding of brackets, offline")
    page.get_by_role("button", name="Save the day").click()
    expect(page.locator(".net-waiting")).to_have_text("Waiting to be sent: 2")
    # A page never saved: the offline page, in the person's language.
    page.goto(live_server("/notifications/"))
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    app = live_server.app
    assert _count(app, select(func.count()).select_from(LogbookEntry)) == 0
    assert _count(app, select(func.count()).select_from(LessonProgress)
                  .where(LessonProgress.completed_at.is_not(None))) == 0

    page.goto(live_server(f"/placements/{placement_id}"))
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")  # in case the browser said it first
    expect(page.locator(".net-notice")).to_contain_text("Sent: Logbook day", timeout=15000)
    expect(page.locator(".net-notice")).to_contain_text("Sent: Lesson done")
    expect(page.locator(".net-waiting")).to_be_hidden()
    expect(page.locator(".net-state")).to_have_text("Online")  # said once the network is back
    assert _count(app, select(func.count()).select_from(LogbookEntry)
                  .where(LogbookEntry.placement_id == placement_id)) == 1
    assert _count(app, select(func.count()).select_from(LessonProgress).where(
        LessonProgress.lesson_id == lesson_id, LessonProgress.completed_at.is_not(None))) == 1
    assert len(set(posted_keys)) == 2 and _count(app, select(func.count()).select_from(ReplayKey)) == 2

    # The same actions sent again (a second device tab, a retry after a lost answer) count nothing.
    for key in set(posted_keys):
        answer = page.evaluate("""key => fetch('/offline/token').then(r => r.json()).then(t => fetch(
            '/learning/lessons/""" + str(lesson_id) + """/done', {method: 'POST', headers: {'Idempotency-Key': key,
            'Content-Type': 'application/x-www-form-urlencoded'}, body: 'csrf_token=' + encodeURIComponent(t.csrf)}))
            .then(r => r.json())""", key)
        assert answer["duplicate"] is True
    assert _count(app, select(func.count()).select_from(LogbookEntry)) == 1
    assert _count(app, select(func.count()).select_from(ReplayKey)) == 2

    page.goto(live_server("/learning/"))
    expect(page.get_by_text("Lessons: 1 of 2")).to_be_visible()
    page.goto(live_server(f"/placements/{placement_id}"))
    expect(page.locator("tbody tr", has_text="MAG welding of brackets, offline")).to_have_count(1)
    page.goto(live_server("/offline/saved"))
    expect(page.locator(".saved-courses")).to_contain_text("Offline welding")
    expect(page.locator(".replay-results")).to_contain_text("Sent: Lesson done")


def test_a_typed_check_in_sent_later_counts_within_the_meeting_and_is_refused_after_it(phone, live_server, make_user,
                                                                                      browser_login):
    from app.accounts.services import find_user_by_email
    from app.training.checkin import current_code
    from app.training.models import Attendance
    from tests.factories.catalogue import create_course
    from tests.factories.enrolment import enrol
    from tests.factories.training import create_meeting

    page = phone
    trainee = make_user(Role.TRAINEE, language="en")
    now = utcnow()
    with live_server.app.app_context():
        person = find_user_by_email(trainee["email"])
        course = create_course()
        enrol(person, course)
        running = create_meeting(course)  # started ten minutes ago
        ended = create_meeting(course, starts_at=now - timedelta(hours=4), hours=3)  # ended an hour ago
        running_id, ended_id, person_id = running.id, ended.id, person.id
    browser_login(trainee["email"])
    app = live_server.app

    def attendance(meeting_id: int) -> int:
        return _count(app, select(func.count()).select_from(Attendance).where(
            Attendance.session_id == meeting_id, Attendance.user_id == person_id))

    # During the meeting, offline: the code is kept, then accepted when sent.
    page.goto(live_server(f"/meetings/{running_id}/checkin"))
    _controlled(page)
    page.context.set_offline(True)
    with app.app_context():
        from app.extensions import db
        from app.training.models import TrainingSession

        code = current_code(db.session.get(TrainingSession, running_id))
        db.session.remove()
    page.get_by_label("Code shown by the trainer").fill(code)
    page.get_by_role("button", name="Check in").click()
    expect(page.locator(".net-waiting")).to_have_text("Waiting to be sent: 1")
    assert attendance(running_id) == 0
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator(".net-notice")).to_contain_text("You are checked in", timeout=15000)
    assert attendance(running_id) == 1

    # Typed (by the phone's clock) during a meeting that ended an hour ago, sent only now: refused, clearly.
    typed_at = now - timedelta(hours=2)
    page.clock.set_fixed_time(typed_at)
    page.goto(live_server(f"/meetings/{ended_id}/checkin"))
    page.context.set_offline(True)
    from app.training.checkin import short_code, window_of

    with app.app_context():
        code = short_code(db.session.get(TrainingSession, ended_id), window_of(typed_at))
        db.session.remove()
    page.get_by_label("Code shown by the trainer").fill(code)
    page.get_by_role("button", name="Check in").click()
    expect(page.locator(".net-waiting")).to_have_text("Waiting to be sent: 1")
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator(".net-notice")).to_contain_text(
        "This check-in was sent after the meeting ended; ask the trainer to mark you present.", timeout=15000)
    expect(page.locator(".net-notice")).to_contain_text("Refused: Check-in")
    assert attendance(ended_id) == 0


def test_a_qr_code_scanned_offline_counts_once_when_sent_later(phone, live_server, make_user, browser_login):
    from app.accounts.services import find_user_by_email
    from app.extensions import db
    from app.training.checkin import checkin_token
    from app.training.models import Attendance, TrainingSession
    from tests.factories.catalogue import create_course
    from tests.factories.enrolment import enrol
    from tests.factories.training import create_meeting

    page = phone
    trainee = make_user(Role.TRAINEE, language="en")
    with live_server.app.app_context():
        person = find_user_by_email(trainee["email"])
        course = create_course()
        enrol(person, course)
        meeting_id, person_id = create_meeting(course).id, person.id  # started ten minutes ago
    browser_login(trainee["email"])
    app = live_server.app
    attended = select(func.count()).select_from(Attendance).where(Attendance.session_id == meeting_id,
                                                                  Attendance.user_id == person_id)

    page.goto(live_server("/offline/saved"))
    _controlled(page)
    with app.app_context():
        token = checkin_token(db.session.get(TrainingSession, meeting_id))
        db.session.remove()
    # No network in the hall: the camera opens the code's address and the offline page answers; opened twice.
    page.context.set_offline(True)
    for _time in range(2):
        page.goto(live_server(f"/checkin/{meeting_id}/{token}"))
        expect(page.locator("#offline-fallback")).to_be_visible()
        expect(page.locator(".net-notice")).to_contain_text("saved on this device and will be sent")
    assert _count(app, attended) == 0
    waiting = page.evaluate("MCCQueue.waiting().then((items) => items.map((item) => item.url))")
    assert waiting == [f"/checkin/{meeting_id}/{token}/replay"]  # queued once

    # Back online, on the next page: sent, accepted (the code's own window lies within the meeting), once.
    page.context.set_offline(False)
    page.goto(live_server("/offline/saved"))
    # The offline page may have sent it already when the network came back: then this page's send is answered
    # "already received". Either way it counts once.
    expect(page.locator(".net-notice")).to_contain_text(re.compile("You are checked in|already received"),
                                                        timeout=15000)
    expect(page.locator(".replay-results")).to_contain_text("Sent: Check-in")
    assert _count(app, attended) == 1
    assert page.evaluate("MCCQueue.waiting().then((items) => items.length)") == 0
