"""A Lithuanian firm's contact posts a request for laser-cut parts with a DXF drawing (on a phone, in Lithuanian);
a Polish firm with laser cutting is told, answers in Polish with an offer and a question; the requester accepts in
Lithuanian; the supplier reports the order in progress and delivered; both rate it; the coordinator sees it in
the cooperation figures and downloads the export."""

from __future__ import annotations

import csv
import io
import re

from playwright.sync_api import expect

from app.accounts.models import Country
from app.core.permissions import Role

PHONE = {"width": 360, "height": 740}
DXF = ("0\nSECTION\n2\nENTITIES\n0\nLINE\n8\n0\n10\n0.0\n20\n0.0\n11\n120.0\n21\n0.0\n0\nLINE\n8\n0\n10\n120.0\n"
       "20\n0.0\n11\n120.0\n21\n80.0\n0\nENDSEC\n0\nEOF\n")


def _fits(page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0


def _log_in(browser, live_server, email, viewport=None, **context):
    page = browser.new_context(viewport=viewport or {"width": 1280, "height": 800}, **context).new_page()
    page.goto(live_server("/login"))
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill("correct horse battery")
    page.click("form:not(.language-switcher) [type=submit]")
    page.wait_for_load_state()
    return page


def test_a_lithuanian_request_is_answered_from_poland_accepted_delivered_rated_and_counted(
        browser, live_server, make_user, tmp_path):
    from tests.cooperation.world import member

    with live_server.app.app_context():
        _lt, lt_contact = member(Country.LT, language="lt", thickness=3.0)
        pl, pl_contact = member(Country.PL, language="pl", thickness=15.0)
        _welder, welder_contact = member(Country.PL, process=None, language="pl")
        lt_email, pl_email, welder_email = lt_contact.email, pl_contact.email, welder_contact.email
        pl_name = pl.name
    coordinator = make_user(Role.COORDINATOR, language="en")
    drawing = tmp_path / "wspornik.dxf"
    drawing.write_text(DXF)

    # The Lithuanian contact posts the request on a phone.
    phone = _log_in(browser, live_server, lt_email, PHONE, locale="lt-LT", timezone_id="Europe/Vilnius")
    phone.goto(live_server("/cooperation/new"))
    expect(phone.get_by_role("heading", name="Nauja paslaugos užklausa")).to_be_visible()
    _fits(phone)
    phone.locator("#title").fill("Lazeriu pjaustyti laikikliai")
    phone.locator("#description").fill("S235, 4 mm, 200 vnt.")
    phone.locator("#need_process").select_option("laser_cutting")
    phone.locator("#materials").select_option(["steel"])
    phone.locator("#quantity").fill("200")
    phone.locator("#unit").fill("vnt.")
    phone.locator("#max_thickness_mm").fill("4")
    phone.locator("#delivery_place").fill("Alytus")
    phone.locator("#file").set_input_files(str(drawing))
    phone.get_by_role("button", name="Paskelbti užklausą").click()
    expect(phone.get_by_text("Užklausa paskelbta")).to_be_visible()
    expect(phone.get_by_role("link", name="wspornik.dxf")).to_be_visible()
    _fits(phone)
    request_url = phone.url

    # The Polish laser-cutting firm is told (the firm without the capability is not) and answers in Polish.
    desk = _log_in(browser, live_server, pl_email, locale="pl-PL", timezone_id="Europe/Warsaw")
    desk.goto(live_server("/notifications/"))
    desk.get_by_text(f"Nowe zapytanie o usługę dla {pl_name}").first.click()
    expect(desk.get_by_role("heading", name="Lazeriu pjaustyti laikikliai")).to_be_visible()
    with desk.expect_download() as download:
        desk.get_by_role("link", name="wspornik.dxf").click()
    assert download.value.path().read_text() == DXF
    desk.get_by_role("link", name="Odpowiedz ofertą").click()
    desk.locator("#price").fill("1200")
    desk.locator("#currency").select_option("EUR")
    desk.locator("#lead_time_days").fill("7")
    desk.locator("#note").fill("Cena netto, z gratowaniem.")
    desk.get_by_role("button", name="Wyślij ofertę").click()
    expect(desk.get_by_text("Oferta została wysłana.")).to_be_visible()
    desk.locator("textarea[name=body]").fill("Czy ocynk po Waszej stronie?")
    desk.get_by_role("button", name="Wyślij", exact=True).click()
    expect(desk.get_by_text("Wiadomość została wysłana.")).to_be_visible()

    welder = _log_in(browser, live_server, welder_email, locale="pl-PL")
    welder.goto(live_server("/notifications/"))
    expect(welder.get_by_text("Nowe zapytanie o usługę")).to_have_count(0)

    # The requester accepts in Lithuanian.
    phone.goto(request_url)
    expect(phone.get_by_text("Czy ocynk po Waszej stronie?")).to_be_visible()
    phone.get_by_role("button", name="Priimti šį pasiūlymą").click()
    expect(phone.get_by_text("Pasiūlymas priimtas; užsakymas sutartas.")).to_be_visible()
    expect(phone.locator("#request-status")).to_contain_text("Sutarta")
    _fits(phone)

    # The supplier reports the work in progress and delivered.
    desk.goto(request_url)
    for status in ("in_progress", "delivered"):
        desk.locator("#to").select_option(status)
        desk.get_by_role("button", name="Zmień stan").click()
        expect(desk.get_by_text("Status został zmieniony.")).to_be_visible()
    expect(desk.locator("#request-status")).to_contain_text("Dostarczone")

    # Both rate.
    for page, score, button in ((desk, "5", "Oceń"), (phone, "4", "Įvertinti")):
        page.goto(request_url)
        page.locator("#rate").click()
        page.locator("#score").fill(score)
        page.get_by_role("button", name=button, exact=True).click()
    expect(phone.locator("#ratings li")).to_have_count(2)

    # The coordinator sees it in the figures and downloads the export.
    office = _log_in(browser, live_server, coordinator["email"], locale="en-GB")
    office.goto(live_server("/cooperation/figures"))
    row = office.locator("#figures tbody tr", has_text="Lithuania")
    expect(row).to_contain_text("1,200 EUR")
    expect(row.locator("td").nth(3)).to_have_text("1")  # completed
    with office.expect_download() as download:
        office.locator("#export-csv").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    lithuania = next(r for r in rows if r[0] == "Lithuania")
    assert lithuania[1:5] == ["1", "1", "1", "1"]
    assert lithuania[6] == "100.0" and lithuania[9] == "4.5"  # cross-border share %, satisfaction
    with office.expect_download() as download:
        office.locator("#export-xlsx").click()
    assert download.value.path().read_bytes()[:2] == b"PK"

    # ... and on the reporting dashboard, then turns the order into a draft bulletin post.
    office.goto(live_server("/reports/?fresh=1"))
    row = office.locator("#table-cooperation tbody tr", has_text="Lithuania")
    expect(row.locator("td").nth(0)).to_have_text("1")  # posted
    expect(row.locator("td").nth(3)).to_have_text("1")  # completed
    office.goto(request_url)
    office.locator("#to-post button").click()
    expect(office).to_have_url(re.compile(r"/bulletin/\d+/edit$"))
    expect(office.locator("#title_en")).to_have_value(re.compile("^Completed cooperation: "))
