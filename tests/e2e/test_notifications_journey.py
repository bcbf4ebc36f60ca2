"""A trainer moves a meeting on the day's plan; the enrolled Lithuanian trainee sees it in the header on her phone,
and the mail a real worker sends lands in the outbox with the new time on her clock (Vilnius, one hour ahead of
Warsaw)."""

from __future__ import annotations

import email
import email.policy
import re
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from app.core.permissions import Role
from tests.conftest import make_test_app
from tests.dbutil import fresh_database, upgrade_to_head
from tests.jobs.conftest import wait_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def world(backend, tmp_path):
    """A live server and a worker process sharing a database, a queue and a mail outbox folder."""
    settings = {"QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}", "QUEUE_NAME": "mcc-e2e",
                "MAIL_BACKEND": "outbox", "MAIL_OUTBOX": str(tmp_path / "outbox")}
    with fresh_database(backend, tmp_path) as url:
        app = make_test_app(url, tmp_path / "media", **{**settings, "MAIL_OUTBOX": tmp_path / "outbox"})
        upgrade_to_head(app)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        worker = subprocess.Popen([sys.executable, "-m", "tests.run_worker", url, str(tmp_path / "media"),
                                   *[f"{k}={v}" for k, v in settings.items()]], cwd=ROOT,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            yield app, f"http://127.0.0.1:{server.server_port}", tmp_path / "outbox"
        finally:
            worker.terminate()
            worker.wait(timeout=15)
            server.shutdown()
            with app.app_context():
                from app.extensions import db

                db.session.remove()
                db.engine.dispose()


def test_a_moved_meeting_reaches_the_trainee_in_the_header_and_by_mail_on_her_clock(world, browser):
    app, base, outbox = world
    tomorrow = (datetime.now(UTC) + timedelta(days=3)).date()
    with app.app_context():
        from tests.factories import create_user
        from tests.factories.catalogue import create_course
        from tests.factories.enrolment import enrol
        from tests.factories.training import create_meeting

        trainer = create_user(Role.TRAINER, language="en", full_name="Piotr Wiśniewski")
        trainee = create_user(Role.TRAINEE, language="lt", timezone="Europe/Vilnius", full_name="Gražina Šimkutė")
        course = create_course(trainers=[trainer])
        enrol(trainee, course)
        # 08:00 in Warsaw (07:00 UTC), on a day without a clock change.
        meeting = create_meeting(course, trainer=trainer, title="Frezavimas CNC",
                                 starts_at=datetime(tomorrow.year, tomorrow.month, tomorrow.day, 7, 0, tzinfo=UTC))
        trainer_email, trainee_email, meeting_id = trainer.email, trainee.email, meeting.id

    desk = browser.new_context(locale="en-GB", timezone_id="Europe/Warsaw").new_page()
    desk.goto(f"{base}/login")
    desk.get_by_label("E-mail").fill(trainer_email)
    desk.get_by_label("Password", exact=True).fill("correct horse battery")
    desk.get_by_role("button", name="Log in").click()
    desk.goto(f"{base}/meetings/{meeting_id}/edit")
    day = tomorrow.isoformat()
    desk.locator("#starts_local").fill(f"{day}T10:00")  # moved from 08:00 to 10:00 Warsaw time
    desk.locator("#ends_local").fill(f"{day}T13:00")
    desk.get_by_role("button", name="Save").click()
    expect(desk.get_by_text("Meeting saved.")).to_be_visible()

    phone = browser.new_context(locale="lt-LT", timezone_id="Europe/Vilnius",
                                viewport={"width": 360, "height": 740}).new_page()
    phone.goto(f"{base}/login")  # in Lithuanian: the phone's language
    phone.locator("#email").fill(trainee_email)
    phone.locator("#password").fill("correct horse battery")
    phone.get_by_role("button", name="Prisijungti").click()
    # On a phone the menu is folded behind one button, which carries the unread count; the menu opens on a tap.
    menu = phone.get_by_role("button", name=re.compile("^Meniu"))
    expect(menu).to_contain_text("1")
    expect(phone.locator("#notifications-link")).to_be_hidden()
    assert phone.locator(".site-header").bounding_box()["height"] < 160  # it took a third of the screen
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    header = phone.locator("#notifications-link")
    expect(header).to_contain_text("1")
    header.click()
    expect(phone.get_by_text("Frezavimas CNC")).to_be_visible()
    expect(phone.locator(".notifications")).to_contain_text("11:00")  # 10:00 in Warsaw is 11:00 in Vilnius

    def mail_to_trainee():
        for path in sorted(outbox.glob("*.eml")) if outbox.exists() else []:
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if message["To"] == trainee_email:
                return message
        return None

    message = wait_for(mail_to_trainee, 60, "the worker's mail to the trainee")
    body = next(part for part in message.walk() if part.get_content_type() == "text/plain").get_content()
    assert "Frezavimas CNC" in body and "11:00" in body and "09:00" in body  # new time, and the old one, her clock
