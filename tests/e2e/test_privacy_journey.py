import io
import json
import zipfile
from pathlib import Path

from playwright.sync_api import expect

from app.core.permissions import Role


def test_a_trainee_downloads_their_data_and_an_admin_erases_them(page, live_server, make_user, browser_login):
    trainee = make_user(Role.TRAINEE, language="en", full_name="Łukasz Żółkiewski")
    admin = make_user(Role.ADMIN, language="en")

    browser_login(trainee["email"])
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="My profile").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download my data").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    assert json.loads(archive.read("data.json"))["account"]["full_name"] == "Łukasz Żółkiewski"

    page.context.clear_cookies()
    browser_login(admin["email"])
    page.goto(live_server(f"/admin/users/{trainee['id']}"))
    page.get_by_role("link", name="Erase this person's data…").click()
    page.get_by_label("Request (date, reference, how it was verified)").fill("E-mail of 2026-11-20, ref. GDPR/3")
    page.get_by_role("button", name="Erase this person").click()
    expect(page.get_by_text("Please confirm that you understand this cannot be undone.")).to_be_visible()
    page.get_by_label("I understand that this cannot be undone.").check()
    page.get_by_role("button", name="Erase this person").click()
    expect(page.get_by_text("The person's data has been erased")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Żółkiewski")
    expect(page.locator("main")).to_contain_text(f"Erased person #{trainee['id']}")
