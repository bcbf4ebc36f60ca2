"""A craftsperson joins the directory on a phone (360x740), completes the entry with two products and their
photos and sends it; a coordinator approves it at a desk; the member is then in the public directory with both
products and their thumbnails (made by the worker)."""

from __future__ import annotations

import io

from PIL import Image
from playwright.sync_api import expect

from app.core.permissions import Role

PHONE = {"width": 360, "height": 740}
ALL_PHOTOS_LOADED = """() => {
  const photos = [...document.querySelectorAll('img.product-photo')];
  return photos.length === 2 && photos.every(img => img.complete && img.naturalWidth > 0);
}"""


def _photo(path, kind: str, color: str) -> str:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), color).save(out, kind)
    path.write_bytes(out.getvalue())
    return str(path)


def _fits(page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0


def test_a_craftsperson_joins_is_approved_and_appears_with_photos(browser, live_server, make_user, tmp_path):
    coordinator = make_user(Role.COORDINATOR, language="en")
    from app.core.settings import DIRECTORY_REGISTRATION, set_setting
    from app.extensions import db

    with live_server.app.app_context():
        set_setting(DIRECTORY_REGISTRATION, True, None)
        db.session.commit()
    gate = _photo(tmp_path / "gate.jpg", "JPEG", "steelblue")
    railing = _photo(tmp_path / "railing.png", "PNG", "darkorange")

    phone = browser.new_context(viewport=PHONE, locale="en-GB", timezone_id="Europe/Vilnius").new_page()
    phone.goto(live_server("/directory/join"))
    expect(phone.get_by_role("heading", name="Join the cluster directory")).to_be_visible()
    phone.get_by_label("I register as").select_option("craftsperson")
    phone.get_by_label("Name of the firm or workshop").fill("Kalvystė Jono")
    phone.get_by_label("Country of the firm or workshop").select_option("LT")
    phone.locator("#member_city").fill("Alytus")
    phone.get_by_label("E-mail").fill("jonas.kalvis@example.com")
    phone.get_by_label("Full name").fill("Jonas Kalvis")
    phone.get_by_label("New password").fill("kalvis-kala-2026")
    phone.get_by_label("Repeat the password").fill("kalvis-kala-2026")
    phone.locator("#consent").check()
    _fits(phone)
    phone.get_by_role("button", name="Register").click()

    expect(phone.get_by_text("Now complete your entry")).to_be_visible()
    expect(phone.get_by_role("heading", name="My entry: Kalvystė Jono")).to_be_visible()
    _fits(phone)
    phone.locator("#description_en").fill("Hand-forged gates and railings.")
    phone.locator("#capabilities-0-process_code").select_option("blacksmithing")
    phone.locator("#products-0-name_en").fill("Forged gate")
    phone.locator("#products-0-photo").set_input_files(gate)
    phone.locator("#products-1-name_en").fill("Stair railing")
    phone.locator("#products-1-photo").set_input_files(railing)
    phone.get_by_role("button", name="Send for approval").click()
    expect(phone.get_by_text("Your entry was sent to the coordinators")).to_be_visible()
    expect(phone.get_by_text("waiting for a coordinator's approval")).to_be_visible()
    _fits(phone)

    desk = browser.new_context(locale="en-GB", timezone_id="Europe/Warsaw").new_page()
    desk.goto(live_server("/login"))
    desk.get_by_label("E-mail").fill(coordinator["email"])
    desk.get_by_label("Password", exact=True).fill("correct horse battery")
    desk.get_by_role("button", name="Log in").click()
    expect(desk.get_by_role("heading", name="Directory entries waiting")).to_be_visible()
    desk.get_by_role("link", name="Review entries").click()
    desk.get_by_role("link", name="Kalvystė Jono").click()
    expect(desk.get_by_role("heading", name="Proposed entry: Kalvystė Jono")).to_be_visible()
    expect(desk.locator("table")).to_contain_text("Stair railing")
    desk.get_by_role("button", name="Approve and publish").click()
    expect(desk.get_by_text("The entry of Kalvystė Jono is approved and public.")).to_be_visible()

    from tests.workoff import work_off

    with live_server.app.app_context():
        assert work_off("network.thumbnail") == ["done", "done"]
        db.session.remove()

    visitor = browser.new_context(viewport=PHONE, locale="en-GB").new_page()
    visitor.goto(live_server("/directory/"))
    visitor.get_by_role("link", name="Kalvystė Jono").click()
    expect(visitor.get_by_role("heading", name="Forged gate")).to_be_visible()
    expect(visitor.get_by_role("heading", name="Stair railing")).to_be_visible()
    visitor.wait_for_function(ALL_PHOTOS_LOADED)
    thumbs = visitor.locator("img.product-photo")
    for n in range(2):
        assert thumbs.nth(n).get_attribute("src").endswith("/thumb")
    assert visitor.evaluate("() => document.querySelector('img.product-photo').naturalWidth") == 480
    _fits(visitor)
    for context in (phone.context, desk.context, visitor.context):
        context.close()
