"""The trainee's personal QR ticket on a phone: the fallback when the phone cannot check in by itself."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from app.core.permissions import Role


@pytest.mark.parametrize("language", ["lt", "pl"])
def test_the_trainee_shows_the_ticket_on_a_phone_and_it_scans(page, live_server, make_user, browser_login,
                                                              language):
    trainee = make_user(Role.TRAINEE, language=language, full_name="Gražina Šimkutė")
    page.set_viewport_size({"width": 360, "height": 740})
    browser_login(trainee["email"])
    page.goto(live_server("/my/training"))
    ticket = page.locator("img.ticket")
    assert "Gražina Šimkutė" in ticket.get_attribute("alt") and "ticket" not in ticket.get_attribute("alt")
    ticket.scroll_into_view_if_needed()
    expect(ticket).to_be_visible()
    page.wait_for_function("img => img.complete", arg=ticket.element_handle())
    # A broken image (e.g. an SVG without its namespace) is "complete" too, with no natural size: the alt text shows.
    assert ticket.evaluate("img => img.naturalWidth") > 0
    box = ticket.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360 and box["width"] >= 200

    # What the trainer's camera sees: the whole code, scaled to the box (not cropped), decodes to the signed ticket.
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(ticket.screenshot())))
    assert decoded, "the ticket on screen is not a readable QR code"
    from app.training import checkin

    with live_server.app.app_context():
        assert checkin.load_token(checkin.TICKET_PURPOSE, decoded[0].text, checkin.TICKET_MAX_AGE) == {
            "u": trainee["id"]}
