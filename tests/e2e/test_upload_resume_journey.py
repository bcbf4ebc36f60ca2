"""A trainer's 200 MB upload survives a reload: choosing the same file again sends only the parts the server lacks
(counted from the browser's own requests), and what is stored is exactly the file."""

from __future__ import annotations

import hashlib
import math
import os

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from app.catalogue.uploads import DEFAULT_PART_SIZE
from app.core.permissions import Role
from tests.e2e.test_catalogue_journey import make_course
from tests.e2e.worker import worker_for

SIZE = 200 * 1024 * 1024
PARTS = math.ceil(SIZE / DEFAULT_PART_SIZE)  # 13 parts of 16 MiB
SENT_BEFORE_RELOAD = 5

#: Reports every text the uploader's status line shows (some last only a moment) to the test, on every page load.
RECORD_STATUS = """document.addEventListener("DOMContentLoaded", () => {
    const status = document.querySelector('#uploader .upload-status');
    if (status) new MutationObserver(() => window.recordStatus(status.textContent))
        .observe(status, {childList: true, characterData: true, subtree: true});
});"""


@pytest.fixture(scope="module")
def big_pdf(tmp_path_factory):
    """200 MiB typed as a PDF (a valid header, then random bytes): the worker verifies it as a document."""
    path = tmp_path_factory.mktemp("resume") / "welding-procedures.pdf"
    digest = hashlib.sha256()
    with path.open("wb") as out:
        head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
        out.write(head)
        digest.update(head)
        left = SIZE - len(head)
        while left:
            chunk = os.urandom(min(left, 8 * 1024 * 1024))
            out.write(chunk)
            digest.update(chunk)
            left -= len(chunk)
    return path, digest.hexdigest()


def is_part_put(request) -> bool:
    # Local: PUT /api/uploads/<token>/parts/<n>; S3: PUT <bucket>/<key>?partNumber=<n>&uploadId=...
    return request.method == "PUT" and ("/parts/" in request.url or "partNumber=" in request.url)


def part_number(url: str) -> int:
    if "partNumber=" in url:
        return int(url.split("partNumber=")[1].split("&")[0])
    return int(url.rstrip("/").rsplit("/", 1)[1])


def test_a_reloaded_upload_resumes_sending_only_the_missing_parts(page, live_server, big_pdf):
    """Local storage: the parts go through the app."""
    reload_and_resume(page, live_server, {}, *big_pdf)


def test_with_s3_a_reloaded_upload_resumes_from_the_parts_in_the_bucket(page, s3_live_server, s3_config, big_pdf):
    """S3: the parts go straight to the bucket; the app lists them (ListParts) when the file is chosen again."""
    reload_and_resume(page, s3_live_server, s3_config, *big_pdf)


def test_cancel_still_removes_the_parts(page, live_server, big_pdf):
    from tests.factories import create_user

    with live_server.app.app_context():
        create_user(Role.TRAINER, language="en", email="trainer@example.com")
        create_user(Role.TRAINEE, language="en", email="trainee@example.com")
    _, lesson_id = make_course(live_server, "trainer@example.com", "trainee@example.com")
    log_in(page, live_server)
    page.goto(live_server(f"/teach/lessons/{lesson_id}"))
    page.route("**/parts/3/target", lambda route: route.abort())
    page.get_by_label("File", exact=True).set_input_files(str(big_pdf[0]))
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.get_by_text("Connection problem, retrying part 3…")).to_be_visible(timeout=60_000)
    page.get_by_role("button", name="Cancel upload").click()
    expect(page.get_by_text("Upload cancelled. Nothing was saved.")).to_be_visible(timeout=10_000)
    from app.catalogue.models import PendingUpload
    from app.extensions import db
    from app.storage import build_storage

    with live_server.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PendingUpload)) == 0
        assert build_storage(live_server.app.config).list_multipart_uploads() == []
        db.session.remove()


def log_in(page, live) -> None:
    page.goto(live("/login"))
    page.get_by_label("E-mail").fill("trainer@example.com")
    page.get_by_label("Password", exact=True).fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    # Until the login's redirect has arrived: a goto right after the click could cancel the POST (seen once in CI
    # under load: the next page then asked to log in).
    page.wait_for_url(lambda url: "/login" not in url)


def reload_and_resume(page, live, settings: dict, path, sha256: str) -> None:
    from tests.factories import create_user

    with live.app.app_context():
        create_user(Role.TRAINER, language="en", email="trainer@example.com")
        create_user(Role.TRAINEE, language="en", email="trainee@example.com")
    _, lesson_id = make_course(live, "trainer@example.com", "trainee@example.com")
    log_in(page, live)

    sent = []  # part numbers whose PUT was answered 200, in order
    page.on("requestfinished", lambda r: sent.append(part_number(r.url))
            if is_part_put(r) and r.response() and r.response().status == 200 else None)
    started = []  # every PUT the browser began (none may be sent twice)
    page.on("request", lambda r: started.append(part_number(r.url)) if is_part_put(r) else None)

    # Round one: the network fails when part 6 is asked for; the trainer reloads the page.
    page.goto(live(f"/teach/lessons/{lesson_id}"))
    page.route(f"**/parts/{SENT_BEFORE_RELOAD + 1}/target", lambda route: route.abort())
    page.get_by_label("File", exact=True).set_input_files(str(path))
    page.get_by_label("Title shown to trainees").fill("Welding procedures")
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.get_by_text(f"Connection problem, retrying part {SENT_BEFORE_RELOAD + 1}…")).to_be_visible(
        timeout=60_000)
    assert sent == list(range(1, SENT_BEFORE_RELOAD + 1))
    page.unroute(f"**/parts/{SENT_BEFORE_RELOAD + 1}/target")
    statuses = []
    page.expose_function("recordStatus", lambda text: statuses.append(text))
    page.add_init_script(RECORD_STATUS)
    page.reload()
    first_round = len(sent)
    with live.app.app_context():  # leaving the page kept the upload for later
        from app.catalogue.models import PendingUpload
        from app.extensions import db

        assert db.session.scalar(select(func.count()).select_from(PendingUpload)) == 1
        db.session.remove()

    # Round two: the same file chosen again continues where it stopped.
    page.get_by_label("File", exact=True).set_input_files(str(path))
    page.get_by_label("Title shown to trainees").fill("Welding procedures")
    with worker_for(live.app, **settings):
        with page.expect_response(lambda r: r.url.endswith(f"/api/lessons/{lesson_id}/uploads")) as announced:
            page.get_by_role("button", name="Upload", exact=True).click()
        answer = announced.value.json()
        assert announced.value.status == 200 and answer["resumed"] is True and answer["part_count"] == PARTS
        assert [part["number"] for part in answer["received"]] == list(range(1, SENT_BEFORE_RELOAD + 1))
        expect(page.get_by_text("Uploaded. The material has been added.")).to_be_visible(timeout=180_000)
    assert f"Resuming: {SENT_BEFORE_RELOAD} of {PARTS} parts already sent" in statuses

    # Every part was sent exactly once: the second round sent exactly the missing ones.
    assert sent[first_round:] == list(range(SENT_BEFORE_RELOAD + 1, PARTS + 1))
    assert len(sent) == PARTS and sorted(started) == list(range(1, PARTS + 1))

    from app.catalogue.models import Material, MaterialStatus
    from app.storage import build_storage

    with live.app.app_context():
        material = db.session.scalar(select(Material))
        assert material.status == MaterialStatus.READY and material.size == SIZE
        assert material.sha256 == sha256 and material.language == "en"
        assert build_storage(live.app.config).sha256(material.storage_key) == sha256
        assert db.session.scalar(select(func.count()).select_from(PendingUpload)) == 0
        db.session.remove()


def test_the_uploader_shows_how_far_the_conversion_for_phones_is(page, live_server):
    """The status answer carries media_status and progress while a video is converted (no worker here: the answers
    are given by the test); an answer without them still reads "being checked"."""
    import json

    from tests.factories import create_user

    with live_server.app.app_context():
        create_user(Role.TRAINER, language="en", email="trainer@example.com")
        create_user(Role.TRAINEE, language="en", email="trainee@example.com")
    _, lesson_id = make_course(live_server, "trainer@example.com", "trainee@example.com")
    log_in(page, live_server)
    page.goto(live_server(f"/teach/lessons/{lesson_id}"))
    answers = [{"status": "processing"}, {"status": "processing", "media_status": "processing", "progress": 45}]

    def status(route):
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        route.fulfill(status=200, content_type="application/json", body=json.dumps({"material": answer}))

    page.route("**/api/materials/*/status", status)
    page.get_by_label("File", exact=True).set_input_files({"name": "film.mp4", "mimeType": "video/mp4",
                                                          "buffer": b"\x00\x00\x00\x18ftypmp42" + bytes(1000)})
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.get_by_text("Uploaded. The file is being checked; you may leave this page.")).to_be_visible(
        timeout=30_000)
    expect(page.get_by_text("Converting for phones: 45%")).to_be_visible(timeout=30_000)
    expect(page.locator("#uploader progress")).to_have_attribute("value", "45")
