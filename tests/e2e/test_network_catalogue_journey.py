"""A coordinator asks for the printed offer catalogue of one country; a real worker builds it; the downloads page
offers it; the PDF holds that country's members only."""

from __future__ import annotations

import io
from pathlib import Path

from playwright.sync_api import expect
from pypdf import PdfReader

from app.core.permissions import Role
from tests.e2e.worker import worker_for


def test_a_coordinator_gets_the_catalogue_of_lithuanian_members(page, live_server, make_user, browser_login):
    from tests.network import catalogue_world as cw

    with live_server.app.app_context():
        cw.build()
    coordinator = make_user(Role.COORDINATOR, language="en")
    browser_login(coordinator["email"])
    page.goto(live_server("/directory/catalogue"))
    expect(page.get_by_text("The catalogue is being prepared.")).to_be_visible()  # no public copy built yet
    page.get_by_label("Country", exact=True).select_option(label="Lithuania")
    page.get_by_label("Format").select_option("pdf")
    page.get_by_role("button", name="Prepare the catalogue").click()

    expect(page.get_by_role("heading", name="Your download")).to_be_visible()
    expect(page.get_by_role("heading", name="mcc-catalogue-lt.pdf")).to_be_visible()
    with worker_for(live_server.app):
        link = page.get_by_role("link", name="Download")
        expect(link).to_be_visible(timeout=30_000)
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "mcc-catalogue-lt.pdf"
    document = PdfReader(io.BytesIO(Path(download.path()).read_bytes()))
    text = "\n".join(p.extract_text() for p in document.pages)
    assert "Katalog ofert klastra" in text and cw.SIAULIAI in text and cw.MARIJAMPOLE in text
    assert cw.LOMZA not in text and cw.SUWALKI not in text


def test_the_catalogue_page_fits_a_phone(page, live_server, make_user, browser_login):
    page.set_viewport_size({"width": 360, "height": 740})
    browser_login(make_user(Role.TRAINEE, language="lt")["email"])
    page.goto(live_server("/directory/catalogue"))
    expect(page.get_by_role("button", name="Parengti katalogą")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
