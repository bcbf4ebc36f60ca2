from playwright.sync_api import expect

from app.core.permissions import Role


def setup_course(live_server, trainer_email, starts_in_minutes: int = -10):
    from datetime import timedelta

    from app.accounts.services import find_user_by_email
    from app.core.db import utcnow
    from tests.factories.catalogue import create_course
    from tests.factories.training import create_meeting

    with live_server.app.app_context():
        trainer = find_user_by_email(trainer_email)
        course = create_course(trainers=[trainer], title={"en": "Laser cutting basics", "pl": "Cięcie laserowe"})
        meeting = create_meeting(course, trainer=trainer, title="Workshop at Metal-Tech",
                                 starts_at=utcnow() + timedelta(minutes=starts_in_minutes))
        return course.id, meeting.id


def test_trainee_enrols_and_sees_the_meeting_then_checks_in_by_qr(page, live_server, make_user, browser_login):
    trainer = make_user(Role.TRAINER, language="en")
    trainee = make_user(Role.TRAINEE, language="en")
    # Check-in opens 30 minutes before the start; the trainee enrols before it (meetings count for people enrolled
    # by their start).
    course_id, meeting_id = setup_course(live_server, trainer["email"], starts_in_minutes=20)

    browser_login(trainee["email"])
    page.goto(live_server(f"/courses/{course_id}"))
    page.get_by_role("button", name="Enrol").click()
    expect(page.get_by_text("You are enrolled. Welcome to the course!")).to_be_visible()
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="My meetings").click()
    expect(page.get_by_role("link", name="Workshop at Metal-Tech")).to_be_visible()

    from app.extensions import db
    from app.training import checkin
    from app.training.models import TrainingSession

    with live_server.app.app_context():
        token = checkin.checkin_token(db.session.get(TrainingSession, meeting_id))
    page.goto(live_server(f"/checkin/{meeting_id}/{token}"))  # what the phone camera opens
    expect(page.get_by_text("You are checked in. Thank you!")).to_be_visible()
    page.goto(live_server(f"/meetings/{meeting_id}"))
    expect(page.locator("dd", has_text="present")).to_be_visible()


def test_a_logged_out_phone_logs_in_and_lands_checked_in(page, live_server, make_user):
    trainer = make_user(Role.TRAINER, language="en")
    trainee = make_user(Role.TRAINEE, language="pl")
    _, meeting_id = setup_course(live_server, trainer["email"])
    from app.accounts.services import find_user_by_email
    from app.extensions import db
    from app.training import checkin
    from app.training.models import TrainingSession
    from tests.factories.enrolment import enrol

    with live_server.app.app_context():
        meeting = db.session.get(TrainingSession, meeting_id)
        enrol(find_user_by_email(trainee["email"]), meeting.course)
        token = checkin.checkin_token(meeting)
    page.goto(live_server(f"/checkin/{meeting_id}/{token}"))
    page.get_by_label("E-mail").fill(trainee["email"])
    page.get_by_label("Password", exact=True).fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Twoja obecność została odnotowana. Dziękujemy!")).to_be_visible()


def test_trainer_marks_the_roster(page, live_server, make_user, browser_login):
    trainer = make_user(Role.TRAINER, language="en")
    people = [make_user(Role.TRAINEE, full_name=name) for name in ("Łukasz Żółkiewski", "Gražina Šimkutė")]
    course_id, _meeting_id = setup_course(live_server, trainer["email"])
    from app.accounts.services import find_user_by_email
    from app.catalogue.models import Course
    from app.extensions import db
    from tests.factories.enrolment import enrol

    with live_server.app.app_context():
        course = db.session.get(Course, course_id)
        for person in people:
            enrol(find_user_by_email(person["email"]), course)

    browser_login(trainer["email"])
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Meetings").click()
    page.get_by_role("link", name="Workshop at Metal-Tech").click()
    page.get_by_role("link", name="Mark the roster").click()
    page.get_by_label("Attendance of Łukasz Żółkiewski").select_option("present")
    page.get_by_label("Attendance of Gražina Šimkutė").select_option("excused")
    page.get_by_label("Remark for Gražina Šimkutė").fill("zwolnienie lekarskie")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance saved (2 changes).")).to_be_visible()
    expect(page.get_by_role("cell", name="excused – zwolnienie lekarskie")).to_be_visible()
    page.get_by_role("link", name="Show the check-in QR code").click()
    expect(page.get_by_role("img", name="QR code for checking in to this meeting")).to_be_visible()
    assert len(page.locator("#qr-code").inner_text().strip()) == 6


NAMES = ["Łukasz Żółkiewski", "Gražina Šimkutė", "Krzysztof Brzęczyszczykiewicz", "Rūta Žemaitė",
         "Jonas Petraitis", "Małgorzata Wiśniewska", "Aušra Kazlauskienė", "Grzegorz Szczepański",
         "Vytautas Jankauskas", "Zofia Kowalczyk", "Dovilė Stankevičiūtė", "Paweł Dąbrowski", "Mindaugas Butkus",
         "Agnieszka Wójcik", "Eglė Vasiliauskaitė", "Tomasz Lewandowski", "Žygimantas Paulauskas",
         "Katarzyna Zielińska", "Laura Urbonaitė", "Piotr Kamiński"]


def test_a_trainer_marks_twenty_trainees_on_a_phone_and_every_name_is_readable(page, live_server, make_user,
                                                                                browser_login):
    """The workshop roster on a phone at 360x740, in Polish: names used to be 37 px wide, a letter or two a line."""
    trainer = make_user(Role.TRAINER, language="pl")
    people = [make_user(Role.TRAINEE, full_name=name, company_name="Metal-Tech Sp. z o.o.") for name in NAMES]
    course_id, meeting_id = setup_course(live_server, trainer["email"], starts_in_minutes=-10)
    from app.accounts.services import find_user_by_email
    from app.catalogue.models import Course
    from app.extensions import db
    from app.training.models import Attendance
    from tests.factories.enrolment import enrol

    with live_server.app.app_context():
        course = db.session.get(Course, course_id)
        for person in people:
            enrol(find_user_by_email(person["email"]), course)
        db.session.commit()

    page.set_viewport_size({"width": 360, "height": 740})
    browser_login(trainer["email"])
    page.goto(live_server(f"/meetings/{meeting_id}/roster"))
    cells = page.locator("table.roster tbody th")
    expect(cells).to_have_count(20)
    line_height = float(page.evaluate("parseFloat(getComputedStyle(document.body).lineHeight)"))
    for index in range(20):
        label = cells.nth(index).locator("label")
        box = label.bounding_box()
        assert box["width"] >= 80, f"{label.inner_text()} is {box['width']:.0f} px wide"
        lines = box["height"] / line_height
        assert lines <= 2.2, f"{label.inner_text()} wraps onto {lines:.1f} lines"
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    for name in NAMES:
        page.get_by_label(f"Obecność: {name}").select_option("present")
    page.get_by_role("button", name="Zapisz obecność").click()
    expect(page.get_by_text("Obecność zapisana (zmian: 20).")).to_be_visible()
    with live_server.app.app_context():
        assert db.session.query(Attendance).filter_by(session_id=meeting_id).count() == 20
