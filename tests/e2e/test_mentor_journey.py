"""A firm's mentor on a phone (360x740, in Polish): the menu holds only what a mentor uses, and "My interns" leads
to the intern's placement."""

from datetime import date, timedelta

from playwright.sync_api import expect

from app.accounts.models import Country
from app.core.permissions import Role


def test_a_mentor_on_a_phone_sees_only_mentor_items_and_opens_their_interns(page, live_server, make_user,
                                                                             browser_login):
    mentor = make_user(Role.MENTOR, language="pl", full_name="Marek Kowalczyk")
    intern = make_user(Role.TRAINEE, language="lt", full_name="Gražina Šimkutė", country=Country.LT)
    from app.accounts.services import find_user_by_email
    from app.placements.models import PlacementStatus
    from tests.factories.placements import create_company, create_placement

    with live_server.app.app_context():
        firm = create_company(Country.PL, name="Metal-Tech Suwałki Sp. z o.o.",
                              mentors=[find_user_by_email(mentor["email"])])
        create_placement(find_user_by_email(intern["email"]), firm, status=PlacementStatus.IN_PROGRESS,
                         starts_on=date.today() - timedelta(days=3))

    page.set_viewport_size({"width": 360, "height": 740})
    browser_login(mentor["email"])
    page.get_by_role("button", name="Menu").click()
    menu = page.get_by_role("navigation", name="Menu główne")
    expect(menu.get_by_role("link")).to_have_text(["Kursy", "Katalog członków", "Moi stażyści", "Wydarzenia",
                                                   "Biuletyn", "Powiadomienia", "Mój profil"])
    menu.get_by_role("link", name="Moi stażyści").click()
    expect(page.get_by_role("heading", name="Moi stażyści")).to_be_visible()
    card = page.locator(".card", has_text="Gražina Šimkutė")
    expect(card).to_contain_text("Metal-Tech Suwałki Sp. z o.o.")
    expect(card).to_contain_text("Dni czekające na Ciebie: 0")
    card.get_by_role("link", name="Gražina Šimkutė").click()
    expect(page.get_by_role("heading", name="Gražina Šimkutė", exact=False).first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
