from playwright.sync_api import expect

from app.core.permissions import Role
from tests.e2e.conftest import queued_mail_bodies


def test_log_in_wrong_password_switch_to_lithuanian_and_log_out(page, live_server, make_user):
    person = make_user(Role.TRAINEE, full_name="Gražina Šimkutė", language="en")

    page.goto(live_server("/login"))
    expect(page).to_have_title("Log in · MCC")
    page.get_by_label("E-mail").fill(person["email"])
    page.get_by_label("Password", exact=True).fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Wrong e-mail or password.")).to_be_visible()

    page.get_by_label("Password", exact=True).fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Welcome, Gražina Šimkutė")).to_be_visible()

    page.get_by_role("button", name="LT").click()
    expect(page.locator("html")).to_have_attribute("lang", "lt")
    expect(page.get_by_role("heading", name="Sveiki, Gražina Šimkutė")).to_be_visible()
    page.goto(live_server("/profile"))
    expect(page.get_by_label("Pageidaujama kalba")).to_have_value("lt")  # remembered as the preference

    page.get_by_role("button", name="Atsijungti", exact=True).click()  # not "Atsijungti visur"
    expect(page.get_by_text("Atsijungėte.")).to_be_visible()
    expect(page.get_by_role("heading", name="Prisijungti")).to_be_visible()
    page.goto(live_server("/profile"))
    expect(page).to_have_url(live_server("/login?next=%2Fprofile"))


def test_admin_invites_a_trainer_who_activates_the_account(page, live_server, make_user, browser_login, browser):
    admin = make_user(Role.ADMIN, language="en")
    browser_login(admin["email"])
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Users").click()
    page.get_by_role("link", name="Invite a person").click()
    page.get_by_label("E-mail").fill("tomas@example.com")
    page.get_by_label("Full name").fill("Tomas Petrauskas")
    page.get_by_label("Role").select_option("trainer")
    page.get_by_label("Language of the invitation").select_option("lt")
    page.get_by_label("Country").select_option("LT")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to tomas@example.com.")).to_be_visible()

    import re

    body = queued_mail_bodies(live_server.app)[-1]
    link = re.search(r"http://\S+/invitation/\S+", body).group(0)
    invitee = browser.new_context(locale="lt-LT").new_page()
    invitee.goto(link)
    expect(invitee.get_by_role("heading", name="Aktyvinkite savo paskyrą")).to_be_visible()
    invitee.get_by_label("Naujas slaptažodis").fill("suvirinimas-TIG-2026")
    invitee.get_by_label("Pakartokite slaptažodį").fill("suvirinimas-TIG-2026")
    invitee.locator("#consent").check()
    invitee.get_by_role("button", name="Aktyvinti mano paskyrą").click()
    expect(invitee.get_by_text("Jūsų paskyra aktyvi. Sveiki atvykę į MCC!")).to_be_visible()
    expect(invitee.get_by_text("Prisijungta kaip Tomas Petrauskas (Mokytojas)")).to_be_visible()


def test_phone_width_has_no_horizontal_scrolling(page, live_server, make_user, browser_login):
    page.set_viewport_size({"width": 360, "height": 740})
    admin = make_user(Role.ADMIN, language="pl", full_name="Katarzyna Przybyszewska-Żółtowska")
    browser_login(admin["email"])
    for path in ["/", "/profile", "/admin/users/", "/admin/users/invite", "/admin/settings", "/login"]:
        page.goto(live_server(path))
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 360px"
