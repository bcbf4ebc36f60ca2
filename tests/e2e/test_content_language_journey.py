"""A Lithuanian trainee on a phone opens a lesson written only in Polish: the page says so and marks it lang="pl"."""

from playwright.sync_api import expect

from app.accounts.models import Country
from app.core.permissions import Role


def test_a_lithuanian_trainee_on_a_phone_reads_a_polish_only_lesson_marked_as_polish(page, live_server, make_user,
                                                                                    browser_login):
    from app.accounts.services import find_user_by_email
    from app.extensions import db
    from tests.factories.catalogue import create_course, first_lesson
    from tests.factories.enrolment import enrol

    trainee = make_user(Role.TRAINEE, language="lt", country=Country.LT, full_name="Rūta Vilniškė")
    with live_server.app.app_context():
        course = create_course(title={"pl": "Spawanie MAG", "lt": "MAG suvirinimas"})
        lesson = first_lesson(course)
        lesson.title = {"pl": "Bezpieczeństwo przy spawaniu"}
        lesson.body = {"pl": "## Zasady\n\nOkulary ochronne zakładamy **zawsze** przed zajarzeniem łuku."}
        enrol(find_user_by_email(trainee["email"]), course)
        db.session.commit()
        course_id, lesson_id = course.id, lesson.id

    page.set_viewport_size({"width": 360, "height": 740})
    browser_login(trainee["email"])
    page.goto(live_server(f"/courses/{course_id}/lessons/{lesson_id}"))
    expect(page.locator("html")).to_have_attribute("lang", "lt")
    body = page.locator(".lesson-body")
    expect(body).to_have_attribute("lang", "pl")
    expect(body).to_contain_text("Okulary ochronne zakładamy zawsze")
    note = page.locator(".fallback-note")
    expect(note).to_have_text("(lenkų kalba)")
    expect(note).to_be_visible()
    expect(page.locator("h1 [lang=pl]")).to_have_text("Bezpieczeństwo przy spawaniu")
    # The course's title exists in Lithuanian: shown as such, not marked.
    expect(page.locator(".breadcrumbs a").first).to_have_text("MAG suvirinimas")
    assert page.locator(".breadcrumbs a [lang]").count() == 0
    # The note sits right above the text it explains, and nothing is wider than the phone.
    note_box, body_box = note.bounding_box(), body.bounding_box()
    assert 0 <= body_box["y"] - (note_box["y"] + note_box["height"]) < 40
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
