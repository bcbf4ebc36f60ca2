"""A coordinator publishes a bulletin post written in Lithuanian with a Polish translation; an anonymous visitor on
a phone (360x740) sees it on the front page in Polish, and the front page fits the screen."""

from __future__ import annotations

from playwright.sync_api import expect

from app.core.permissions import Role

PHONE = {"width": 360, "height": 740}


def test_a_coordinator_publishes_and_a_visitor_reads_it_in_polish(browser, live_server, make_user):
    coordinator = make_user(Role.COORDINATOR, language="en")
    desk = browser.new_context(locale="en-GB").new_page()
    desk.goto(live_server("/login"))
    desk.get_by_label("E-mail").fill(coordinator["email"])
    desk.get_by_label("Password", exact=True).fill("correct horse battery")
    desk.get_by_role("button", name="Log in").click()
    desk.goto(live_server("/bulletin/new"))
    desk.get_by_label("Language the post is written in").select_option("lt")
    desk.locator("#title_lt").fill("Suvirinimo kursai Alytuje")
    desk.locator("#body_lt").fill("Registracija **atidaryta**.")
    desk.locator("#title_pl").fill("Kursy spawania w Alytusie")
    desk.locator("#body_pl").fill("Zapisy są **otwarte** – zgłoś się już dziś.")
    desk.get_by_role("button", name="Publish").click()
    expect(desk.get_by_text("The post is published.")).to_be_visible()

    phone = browser.new_context(viewport=PHONE, locale="en-GB").new_page()
    phone.goto(live_server("/"))
    phone.click(".language-switcher button[value=pl]")
    phone.wait_for_load_state()
    latest = phone.locator("#front-bulletin").locator("..")
    expect(latest.get_by_role("link", name="Kursy spawania w Alytusie")).to_be_visible()
    expect(phone.get_by_text("Suvirinimo kursai Alytuje")).to_have_count(0)
    assert phone.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    latest.get_by_role("link", name="Kursy spawania w Alytusie").click()
    expect(phone.locator(".post-body strong")).to_have_text("otwarte")
