import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.catalogue.models import CourseStatus
from app.core.permissions import Role
from tests.e2e.worker import worker_for

FIXTURES = Path(__file__).parent.parent / "fixtures"


def make_course(live_server, trainer_email: str, trainee_email: str):
    from app.accounts.services import find_user_by_email
    from tests.factories.catalogue import create_course, first_lesson
    from tests.factories.enrolment import enrol

    with live_server.app.app_context():
        trainer, trainee = find_user_by_email(trainer_email), find_user_by_email(trainee_email)
        course = create_course(trainers=[trainer], status=CourseStatus.DRAFT,
                               title={"en": "TIG welding of stainless steel", "pl": "Spawanie TIG stali nierdzewnej"})
        enrol(trainee, course)
        return course.id, first_lesson(course).id


def upload(page, path: Path, title: str):
    """Upload as a trainer does; a worker checks the file meanwhile (the page says so), then the page reloads.
    "Cancel upload" shows only while an upload runs (a `.button` used to override the `hidden` attribute)."""
    cancel = page.get_by_role("button", name="Cancel upload")
    expect(cancel).to_be_hidden()
    page.get_by_label("File", exact=True).set_input_files(str(path))
    page.get_by_label("Title shown to trainees").fill(title)
    page.get_by_role("button", name="Upload", exact=True).click()
    progress = page.locator("#uploader progress")
    expect(progress).to_be_visible()
    expect(page.get_by_text("Uploaded. The material has been added.")).to_be_visible(timeout=30_000)
    expect(page.locator(".material-admin")).not_to_contain_text("processing", timeout=10_000)
    page.wait_for_load_state()
    expect(page.locator(".material-admin")).to_contain_text(title, timeout=10_000)


def test_trainer_uploads_video_and_pdf_publishes_and_a_trainee_seeks(page, browser, live_server, make_user,
                                                                      browser_login):
    trainer = make_user(Role.TRAINER, language="en")
    trainee = make_user(Role.TRAINEE, language="en")
    course_id, lesson_id = make_course(live_server, trainer["email"], trainee["email"])

    browser_login(trainer["email"])
    page.goto(live_server(f"/teach/lessons/{lesson_id}"))
    with worker_for(live_server.app):
        upload(page, FIXTURES / "welding-demo.webm", "Root pass, TIG")
        upload(page, FIXTURES / "wps-example.pdf", "WPS example")
    page.goto(live_server(f"/teach/courses/{course_id}"))
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("The course is published.")).to_be_visible()

    context = browser.new_context(viewport={"width": 360, "height": 740})
    phone = context.new_page()
    phone.goto(live_server("/login"))
    phone.get_by_label("E-mail").fill(trainee["email"])
    phone.get_by_label("Password", exact=True).fill("correct horse battery")
    phone.get_by_role("button", name="Log in").click()
    phone.goto(live_server(f"/courses/{course_id}/lessons/{lesson_id}"))
    video = phone.locator("video")
    expect(video).to_be_visible()
    phone.wait_for_function("() => document.querySelector('video').readyState >= 1", timeout=15_000)
    assert phone.evaluate("document.querySelector('video').duration") == pytest.approx(30, abs=1)
    phone.evaluate("""() => new Promise((resolve, reject) => {
        const v = document.querySelector('video');
        v.addEventListener('seeked', resolve, {once: true});
        v.addEventListener('error', () => reject(v.error), {once: true});
        v.currentTime = 12;
    })""")
    assert phone.evaluate("document.querySelector('video').currentTime") == pytest.approx(12, abs=1)
    assert phone.evaluate("document.querySelector('video').error") is None
    expect(phone.locator("iframe.pdf-preview")).to_have_attribute("title", "WPS example")
    # A phone shows no PDF inside the page (the box stayed empty): the box is gone, a button opens the file.
    expect(phone.locator("iframe.pdf-preview")).to_be_hidden()
    open_pdf = phone.get_by_role("link", name=re.compile(r"^Open the PDF\W+WPS example$"))
    expect(open_pdf).to_be_visible()
    response = phone.request.get(live_server(open_pdf.get_attribute("href")))
    assert response.ok and response.body().startswith(b"%PDF")
    expect(phone.locator(".material-document .muted")).to_contain_text(re.compile(r"\d+(\.\d)? kB"))
    context.close()


def test_cancelled_upload_leaves_nothing(page, live_server, make_user, browser_login):
    trainer = make_user(Role.TRAINER, language="pl")
    trainee = make_user(Role.TRAINEE)
    _, lesson_id = make_course(live_server, trainer["email"], trainee["email"])
    browser_login(trainer["email"])
    page.goto(live_server(f"/teach/lessons/{lesson_id}"))
    page.get_by_label("Plik", exact=True).set_input_files({"name": "virus.exe", "mimeType": "application/x-msdownload",
                                                          "buffer": b"MZ" + bytes(100)})
    page.get_by_role("button", name="Prześlij", exact=True).click()
    expect(page.get_by_text("Przesyłanie nie powiodło się: Ten typ pliku nie jest akceptowany.")).to_be_visible()


def test_with_s3_the_browser_sends_parts_straight_to_the_bucket(page, s3_live_server, s3_config):
    from tests.factories import create_user

    with s3_live_server.app.app_context():
        trainer = create_user(Role.TRAINER, language="en", email="s3trainer@example.com")
        trainee = create_user(Role.TRAINEE, language="en", email="s3trainee@example.com")
        del trainer, trainee
    course_id, lesson_id = make_course(s3_live_server, "s3trainer@example.com", "s3trainee@example.com")
    bucket_requests = []
    page.on("request", lambda r: bucket_requests.append(r.method) if "/mcc-test-" in r.url else None)
    page.goto(s3_live_server("/login"))
    page.get_by_label("E-mail").fill("s3trainer@example.com")
    page.get_by_label("Password", exact=True).fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    page.goto(s3_live_server(f"/teach/lessons/{lesson_id}"))
    with worker_for(s3_live_server.app, **s3_config):
        upload(page, FIXTURES / "welding-demo.webm", "Root pass, TIG")
    assert "PUT" in bucket_requests  # the bytes went to the bucket, not through the app
    from sqlalchemy import select

    from app.catalogue.models import Material
    from app.extensions import db

    with s3_live_server.app.app_context():
        material = db.session.scalar(select(Material))
        assert material.storage_backend == "s3" and material.size == (FIXTURES / "welding-demo.webm").stat().st_size
        assert abs(material.duration_seconds - 30) < 1  # measured by the trainer's browser, for watch tracking
    del course_id


def test_a_file_whose_content_is_not_what_its_name_says_shows_processing_then_why_it_was_refused(
        page, live_server, make_user, browser_login):
    trainer = make_user(Role.TRAINER, language="en")
    trainee = make_user(Role.TRAINEE)
    _, lesson_id = make_course(live_server, trainer["email"], trainee["email"])
    browser_login(trainer["email"])
    page.goto(live_server(f"/teach/lessons/{lesson_id}"))
    page.get_by_label("File", exact=True).set_input_files({"name": "film.mp4", "mimeType": "video/mp4",
                                                          "buffer": (FIXTURES / "wps-example.pdf").read_bytes()})
    page.get_by_label("Title shown to trainees").fill("Not a film")
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.get_by_text("Uploaded. The file is being checked; you may leave this page.")).to_be_visible(
        timeout=30_000)  # no worker yet: it waits, saying so
    with worker_for(live_server.app):
        expect(page.get_by_text("The file was refused: The content of the file does not match its type "
                                "(film.mp4). It was not saved.")).to_be_visible(timeout=30_000)
    page.reload()
    expect(page.locator(".material-admin")).to_contain_text("refused")
