"""A coordinator plans a study visit for eight people; ten members register (two wait); one cancels on her phone,
the first person waiting moves up and is told; on the day the participants check in on their phones; the
evidence pack downloads."""

import io
import re
import zipfile
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import requests
from playwright.sync_api import expect

from app.core.permissions import Role

PHONE = {"width": 360, "height": 740}
TITLE = "Wizyta studyjna: cięcie laserowe w Kownie"


def _log_in(browser, live_server, email, viewport=None):
    page = browser.new_context(viewport=viewport or {"width": 1280, "height": 800}, locale="en-GB").new_page()
    page.goto(live_server("/login"))
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill("correct horse battery")
    page.click("form:not(.language-switcher) [type=submit]")
    page.wait_for_load_state()
    return page


def _register_over_http(live_server, email: str, event_url: str) -> None:
    """Another member's own browser session against the live server (the page's form, without a browser)."""
    session = requests.Session()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', session.get(live_server("/login")).text).group(1)
    answer = session.post(live_server("/login"), data={"email": email, "password": "correct horse battery",
                                                         "csrf_token": token}, allow_redirects=False)
    assert answer.status_code == 303, answer.status_code
    page = session.get(event_url).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    assert session.post(event_url + "/register", data={"csrf_token": token}).status_code == 200


def test_study_visit_waiting_list_moving_up_check_in_and_evidence_pack(browser, live_server, make_user):
    coordinator = make_user(Role.COORDINATOR, language="en")
    members = [make_user(Role.TRAINEE, language="en", full_name=name) for name in (
        "Łukasz Żółkiewski", "Gražina Šimkutė", "Rūta Žemaitė", "Jonas Petraitis", "Zofia Kowalczyk",
        "Paweł Dąbrowski", "Eglė Vasiliauskaitė", "Piotr Kamiński", "Aušra Kazlauskienė", "Dovilė Stankevičiūtė")]
    leaving, first_waiting, second_waiting = members[0], members[8], members[9]

    # The coordinator plans the visit: today, starting in twenty minutes (check-in opens half an hour before).
    office = _log_in(browser, live_server, coordinator["email"])
    office.get_by_role("navigation", name="Main menu").get_by_role("link", name="Events").click()
    office.get_by_role("link", name="Plan an event").click()
    office.locator("#kind").select_option("study_visit")
    office.locator("#source_language").select_option("pl")
    office.locator("#title_pl").fill(TITLE)
    office.locator("#summary_pl").fill("Zwiedzanie hali i pokaz cięcia laserowego.")
    office.locator("#programme_pl").fill("09:00 Powitanie\n10:00 Zwiedzanie hali")
    starts = datetime.now(ZoneInfo("Europe/Warsaw")) + timedelta(minutes=20)
    office.locator("#timezone").select_option("Europe/Warsaw")
    office.locator("#starts_local").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    office.locator("#ends_local").fill((starts + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    office.locator("#venue_company").fill("UAB Kauno lazeris")
    office.locator("#venue_address").fill("Pramonės pr. 16, Kaunas")
    office.locator("#venue_country").select_option("LT")
    office.locator("#capacity").fill("8")
    office.get_by_role("button", name="Save the event").click()
    expect(office.get_by_text("The event is planned.")).to_be_visible()
    event_url = office.url
    event_path = event_url.removeprefix(live_server(""))

    # The first member registers on her phone; nine more register from their own sessions.
    phone = _log_in(browser, live_server, leaving["email"], PHONE)
    phone.goto(event_url)
    phone.get_by_role("button", name="Register").click()
    expect(phone.get_by_text("You are registered.").first).to_be_visible()
    for member in members[1:]:
        _register_over_http(live_server, member["email"], event_url)
    office.goto(live_server(event_path + "/registrations"))
    expect(office.get_by_text("8 registered, 2 waiting; places: 8.")).to_be_visible()
    waiting_rows = office.get_by_role("region", name="Waiting list").locator("tbody tr")
    expect(waiting_rows).to_have_count(2)
    expect(waiting_rows.first).to_contain_text(first_waiting["full_name"])

    # She cancels on her phone: the first person waiting moves up and is told.
    phone.goto(event_url)
    phone.get_by_role("button", name="Cancel my registration").click()
    expect(phone.get_by_text("Your registration is cancelled.")).to_be_visible()
    expect(phone.get_by_role("button", name="Join the waiting list")).to_be_visible()  # full again
    assert phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0

    moved = _log_in(browser, live_server, first_waiting["email"], PHONE)
    moved.goto(live_server("/notifications/"))
    notice = moved.get_by_role("link", name=f"A place became free — you are registered: {TITLE}")
    expect(notice).to_be_visible()
    notice.click()
    expect(moved.get_by_text("You are registered.", exact=True)).to_be_visible()
    office.reload()
    expect(office.get_by_text("8 registered, 1 waiting; places: 8.")).to_be_visible()
    expect(office.get_by_role("region", name="Waiting list")).to_contain_text(second_waiting["full_name"])

    # On the day: the coordinator shows the code, the participants check in on their phones.
    office.goto(event_url)
    office.get_by_role("link", name="Attendance, check-in, sheets and evidence pack").click()
    meeting_url = office.url
    office.get_by_role("link", name="Show the check-in QR code").click()
    code = office.locator("#qr-code").inner_text().strip()
    moved.get_by_role("link", name="Check in with the code").click()
    moved.get_by_label("Code shown by the trainer").fill(code)
    moved.get_by_role("button", name="Check in").click()
    expect(moved.get_by_text("You are checked in. Thank you!")).to_be_visible()
    assert moved.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    second = _log_in(browser, live_server, members[1]["email"], PHONE)
    second.goto(event_url)
    second.get_by_role("link", name="Check in with the code").click()
    second.get_by_label("Code shown by the trainer").fill(office.locator("#qr-code").inner_text().strip())
    second.get_by_role("button", name="Check in").click()
    expect(second.get_by_text("You are checked in. Thank you!")).to_be_visible()

    # The evidence pack: asked for, built by a worker, downloaded.
    office.goto(meeting_url)
    office.get_by_role("link", name="Evidence pack for the funder (ZIP)").click()
    from tests.workoff import work_off

    with live_server.app.app_context():
        assert work_off("downloads.build") == ["done"]
    office.reload()
    with office.expect_download() as download:
        office.get_by_role("link", name="Download").click()
    with zipfile.ZipFile(io.BytesIO(download.value.path().read_bytes())) as archive:
        assert "attendance-sheet.pdf" in archive.namelist()
        attendance = archive.read("attendance.csv").decode("utf-8-sig")
    rows = {line.split(",")[1]: line for line in attendance.splitlines()[1:]}
    assert "present" in rows[first_waiting["full_name"]] and "present" in rows[members[1]["full_name"]]
    assert leaving["full_name"] not in rows and second_waiting["full_name"] not in rows
    assert len(rows) == 8
