"""What happens between "uploaded" and "ready": the web request only joins the parts and records the material as
processing; a worker (run here in the test's process) checks it, and the lesson, the uploader's page and the
uploader's notifications follow. Real worker processes: tests/jobs/test_heavy_work.py."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.catalogue.models import Material, MaterialStatus
from app.catalogue.uploads import cleanup_abandoned_uploads
from app.core.models import AuditEntry
from app.core.permissions import Role
from app.jobs.models import OutboxMessage
from app.notifications.kinds import texts
from app.notifications.models import Notification
from app.storage import get_storage
from tests.catalogue import uploading
from tests.catalogue.samples import MP4, PDF, PNG
from tests.factories import create_user
from tests.factories.catalogue import create_course, first_lesson
from tests.factories.enrolment import enrol
from tests.workoff import work_off


@pytest.fixture
def lesson_world(client, login, db):
    trainer = create_user(Role.TRAINER, language="pl")
    trainee = create_user(Role.TRAINEE, language="pl")
    course = create_course(trainers=[trainer])
    enrol(trainee, course)
    login(trainer)
    return trainer, trainee, course, first_lesson(course)


def lesson_url(course, lesson) -> str:
    return f"/courses/{course.id}/lessons/{lesson.id}"


def test_trainees_see_the_material_only_once_a_worker_verified_it(client, login, db, lesson_world):
    _trainer, trainee, course, lesson = lesson_world
    response = uploading.start(client, lesson.id, "instrukcja.pdf", len(PDF), title="Instrukcja spawania")
    started = response.json
    completed = uploading.complete(client, started, uploading.send_parts(client, started, [PDF]))
    assert completed.status_code == 202
    material_id = completed.json["material"]["id"]
    page = client.get(lesson_url(course, lesson)).get_data(as_text=True)
    assert "Instrukcja spawania" in page and "w toku" in page  # the trainer sees it as processing
    assert client.get(f"/materials/{material_id}/file").status_code == 404  # nobody downloads it yet
    edit_page = client.get(f"/teach/lessons/{lesson.id}").get_data(as_text=True)
    assert "w toku: plik jest sprawdzany" in edit_page
    login(trainee)
    assert "Instrukcja spawania" not in client.get(lesson_url(course, lesson)).get_data(as_text=True)
    assert client.get(f"/materials/{material_id}/file").status_code == 404

    assert work_off("catalogue.verify_upload", "catalogue.process_video") == ["done"]
    page = client.get(lesson_url(course, lesson)).get_data(as_text=True)
    assert "Instrukcja spawania" in page and "w toku" not in page
    download = client.get(f"/materials/{material_id}/file?download=1")
    assert download.status_code == 200 and download.data == PDF


def test_the_request_never_reads_the_object_and_the_worker_computes_the_checksum(client, db, lesson_world,
                                                                                 monkeypatch):
    _trainer, _trainee, _course, lesson = lesson_world
    storage_class = type(get_storage())

    def no_reading(*args, **kwargs):
        raise AssertionError("the web request read the object")

    with monkeypatch.context() as patched:
        for name in ("open", "read_range", "sha256"):
            patched.setattr(storage_class, name, no_reading)
        response = uploading.upload(client, lesson.id, "film.mp4", MP4)
    assert response.status_code == 202
    work_off("catalogue.verify_upload", "catalogue.process_video")
    material = db.session.get(Material, response.json["material"]["id"])
    assert material.status == MaterialStatus.READY and material.sha256 == hashlib.sha256(MP4).hexdigest()
    verified = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "catalogue.material_verified"))
    assert verified.object_id == str(material.id) and verified.after["sha256"] == material.sha256


def test_the_status_is_for_those_who_manage_the_lesson(client, login, db, lesson_world):
    _trainer, trainee, _course, lesson = lesson_world
    response = uploading.upload(client, lesson.id, "a.pdf", PDF)
    status_url = response.json["material"]["status_url"]
    assert client.get(status_url).json["material"]["status"] == "processing"
    login(create_user(Role.TRAINER))
    assert client.get(status_url).status_code == 403
    login(trainee)
    assert client.get(status_url).status_code == 403
    login(create_user(Role.COORDINATOR))
    assert client.get(status_url).json["material"]["status"] == "processing"


def test_the_uploader_is_told_when_the_file_is_ready(client, db, lesson_world):
    trainer, _trainee, _course, lesson = lesson_world
    response = uploading.upload(client, lesson.id, "instrukcja.pdf", PDF)
    work_off("catalogue.verify_upload", "catalogue.process_video")
    notification = db.session.scalar(select(Notification).where(Notification.user_id == trainer.id))
    assert notification.kind == "upload.processed" and notification.category == "uploads"
    assert notification.link == f"/teach/lessons/{lesson.id}#materials"
    with force_locale("pl"):
        title, _body = texts(notification.kind, notification.params, "pl", "Europe/Warsaw")
    assert title == "Przesłany plik jest gotowy: instrukcja.pdf"
    assert client.get(response.json["material"]["status_url"]).json["material"]["status"] == "ready"


def test_a_refused_upload_tells_the_uploader_why_in_their_language(client, db, lesson_world):
    trainer, _trainee, _course, lesson = lesson_world
    response = uploading.upload(client, lesson.id, "film.mp4", PNG)
    work_off("catalogue.verify_upload", "catalogue.process_video")
    notification = db.session.scalar(select(Notification).where(Notification.user_id == trainer.id))
    assert notification.kind == "upload.refused"
    for language, expected in (("pl", "Zawartość pliku nie odpowiada jego typowi (film.mp4)."),
                               ("lt", "(film.mp4)"), ("en", "The content of the file does not match its type")):
        with force_locale(language):
            _title, body = texts(notification.kind, notification.params, language, "Europe/Warsaw")
        assert expected in body, (language, body)
    edit_page = client.get(f"/teach/lessons/{lesson.id}").get_data(as_text=True)
    assert "odrzucony" in edit_page and "Zawartość pliku nie odpowiada jego typowi (film.mp4)" in edit_page
    material = db.session.get(Material, response.json["material"]["id"])
    assert material.status == MaterialStatus.REFUSED and material.purged_at is not None
    refused = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "catalogue.material_refused"))
    assert refused.after["reason"] == "wrong_type"
    # A refused material cannot be restored: its object is gone.
    restore = client.post_form(f"/teach/materials/{material.id}/restore")
    assert restore.status_code in (303, 422)
    db.session.refresh(material)
    assert material.deleted_at is not None


def test_what_arrived_is_held_to_the_limit_when_the_worker_looks(client, db, app, lesson_world, monkeypatch):
    _trainer, _trainee, _course, lesson = lesson_world
    response = uploading.upload(client, lesson.id, "a.pdf", PDF)
    monkeypatch.setitem(app.config, "MAX_UPLOAD_BYTES", 10)  # lowered between the upload and the check
    work_off("catalogue.verify_upload", "catalogue.process_video")
    material = db.session.get(Material, response.json["material"]["id"])
    assert (material.status, material.refusal) == (MaterialStatus.REFUSED, "too_large")
    assert [o.key for o in get_storage().iter_objects()] == []


def test_local_parts_wait_for_the_worker_and_a_redelivered_job_finds_them_joined(client, db, lesson_world):
    _trainer, _trainee, _course, lesson = lesson_world
    response = uploading.upload(client, lesson.id, "film.mp4", MP4)
    storage = get_storage()
    assert storage.list_multipart_uploads() != []  # joining copies the bytes: that is the worker's job
    assert cleanup_abandoned_uploads(timedelta(0)) == 0  # the upkeep leaves parts a worker has yet to join
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "catalogue.verify_upload"))
    join = message.payload["join"]
    material = db.session.get(Material, response.json["material"]["id"])
    # A worker joined the parts and died before its commit: the next delivery finds the object joined.
    storage.complete_multipart_upload(material.storage_key, join["upload_id"], [tuple(p) for p in join["parts"]])
    assert work_off("catalogue.verify_upload", "catalogue.process_video") == ["done", "done"]  # verified, converted
    db.session.refresh(material)
    assert material.status == MaterialStatus.READY and material.sha256 == hashlib.sha256(MP4).hexdigest()
    assert work_off("catalogue.verify_upload", "catalogue.process_video") == []  # done once
