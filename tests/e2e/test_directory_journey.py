"""A visitor on a phone (360×740) looks for a welder in the directory: words and filters in the form, a bad
thickness explained, then the member's page."""

from playwright.sync_api import expect

from app.accounts.models import Country
from app.network.models import MemberKind, Process


def test_a_visitor_finds_a_welder_on_a_phone(page, live_server):
    from tests.network.search_world import WELDING, add_member

    with live_server.app.app_context():
        add_member("Metal-Tech Suwałki", region="PL-20", description={"pl": "Konstrukcje spawane MIG/MAG."},
                   capabilities=[WELDING], products=[{"name": {"en": "Steel gates", "pl": "Bramy stalowe"}}])
        add_member("UAB Plienas", Country.LT, city="Alytus", description={"lt": "Suvirinimo paslaugos."},
                   capabilities=[WELDING])
        add_member("Kalvis Jonas", Country.LT, city="Tauragė", kind=MemberKind.CRAFTSPERSON,
                   capabilities=[{"process": Process.BLACKSMITHING, "materials": ["steel"]}])
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server("/directory/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Directory of the cluster network")
    expect(page.locator(".card")).to_have_count(3)

    search = page.get_by_role("search", name="Search the directory")
    search.get_by_label("Search").fill("spawanie")  # Polish for welding, the LT firm's capability says it too
    search.get_by_role("button", name="Search").click()
    expect(page.locator(".card")).to_have_count(2)
    search.get_by_label("Country").select_option(label="Poland")
    search.get_by_role("button", name="Search").click()
    expect(page.locator(".card")).to_have_count(1)
    expect(page.get_by_role("main").get_by_role("status")).to_have_text("1 member found")
    expect(page.locator(".card")).to_contain_text("Steel gates")
    page.wait_for_function("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")

    thickness = search.get_by_label("Thickness at least (mm)")
    thickness.fill("-1")  # the browser says no before sending (the server would too: tests/network)
    assert thickness.evaluate("el => el.validity.valid") is False
    thickness.fill("2.5")  # any decimal, not only whole millimetres
    assert thickness.evaluate("el => el.validity.valid") is True
    search.get_by_label("Region").select_option(label="Alytaus apskritis")
    search.get_by_role("button", name="Search").click()
    expect(page.get_by_text("This region is not in the chosen country.")).to_be_visible()
    expect(search.get_by_label("Region")).to_have_attribute("aria-invalid", "true")
    search.get_by_label("Region").select_option(label="podlaskie")

    search.get_by_label("Thickness at least (mm)").fill("10")
    search.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Metal-Tech Suwałki").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Metal-Tech Suwałki")
