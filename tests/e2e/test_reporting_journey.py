import io
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect

from app.core.permissions import Role
from tests.e2e.worker import worker_for


def test_coordinator_filters_by_country_opens_the_at_risk_list_and_downloads_xlsx(page, live_server, make_user,
                                                                                   browser_login):
    coordinator = make_user(Role.COORDINATOR, language="en")
    from tests.reporting import world

    with live_server.app.app_context():
        email = world.build().users["gražina"].email

    browser_login(coordinator["email"])
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Reports", exact=True).click()
    expect(page.locator("#total-enrolled")).to_have_text("3")
    page.get_by_label("Trainee's country", exact=True).select_option(label="Lithuania")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#total-enrolled")).to_have_text("2")  # Gražina and Jonas
    expect(page.locator("#table-country tbody")).not_to_contain_text("Poland")

    page.get_by_role("link", name="Trainees at risk").click()
    expect(page.get_by_role("heading", name="Trainees at risk")).to_be_visible()
    row = page.locator("tbody tr", has_text="Gražina")
    expect(row).to_contain_text("missed 2 meetings")
    contact = row.get_by_role("link", name="Write to Gražina")
    expect(contact).to_have_attribute("href", f"mailto:{email}")
    expect(page.locator("tbody")).not_to_contain_text("Łukasz")  # the country filter came along

    page.get_by_role("link", name="XLSX").click()  # a worker prepares it: the progress page
    expect(page.get_by_role("heading", name="Your download")).to_be_visible()
    expect(page.get_by_text("Waiting for its turn…")).to_be_visible()
    expect(page.get_by_role("link", name="Download")).to_be_hidden()  # nothing to click before it is built
    with worker_for(live_server.app):
        link = page.get_by_role("link", name="Download")
        expect(link).to_be_visible(timeout=30_000)
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "mcc-at-risk.xlsx"
    workbook = load_workbook(io.BytesIO(Path(download.path()).read_bytes()), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "Name" and [r[0] for r in rows[1:]] == ["Gražina"]
