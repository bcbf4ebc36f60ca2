"""Resumable uploads: choosing the same file again (same person, lesson and fingerprint) continues the unfinished
upload with the parts storage already holds; anything else starts afresh. And the material's language, given at
upload and changed on the material's page."""

import hashlib

import pytest
from sqlalchemy import func, select

from app.catalogue.models import Material, MaterialStatus, PendingUpload
from app.core.models import AuditEntry
from app.core.permissions import Role
from tests.accounts.helpers import issued_in_the_past
from tests.catalogue import uploading
from tests.catalogue.samples import DXF, MP4, PDF
from tests.factories import create_user
from tests.factories.catalogue import create_course, first_lesson
from tests.workoff import work_off

PART = 5 * 1024 * 1024
#: Three parts: two whole ones and a short last one.
DATA = PDF + bytes(range(256)) * ((2 * PART + 1000 - len(PDF)) // 256)
CHUNKS = [DATA[:PART], DATA[PART:2 * PART], DATA[2 * PART:]]
FINGERPRINT = {"last_modified": 1_764_900_000_000, "sample_sha256": hashlib.sha256(b"first and last MiB").hexdigest()}


@pytest.fixture(autouse=True)
def small_parts(monkeypatch):
    monkeypatch.setattr("app.catalogue.uploads.DEFAULT_PART_SIZE", PART)


@pytest.fixture
def trainer(db):
    return create_user(Role.TRAINER, language="pl")


@pytest.fixture
def lesson(client, login, trainer):
    course = create_course(trainers=[trainer])
    login(trainer)
    return first_lesson(course)


def start(client, lesson_id, **more):
    """Announce DATA as the browser does; a field given as None is left out."""
    fields = {key: value for key, value in {**FINGERPRINT, **more}.items() if value is not None}
    return uploading.start(client, lesson_id, "spawanie.pdf", len(DATA), "application/pdf", **fields)


def pending_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(PendingUpload))


def test_the_same_file_again_resumes_with_the_parts_received(client, db, backend_storage, lesson):
    first = start(client, lesson.id)
    assert first.status_code == 201 and first.json["resumed"] is False and first.json["received"] == []
    sent = uploading.send_parts(client, first.json, [CHUNKS[0], CHUNKS[2]], numbers=[1, 3])
    # The page is reloaded: the browser announces the same file again.
    again = start(client, lesson.id, title="Spawanie — część 2", language="lt")
    assert again.status_code == 200, again.get_data(as_text=True)
    assert again.json["resumed"] is True and again.json["part_count"] == 3
    assert again.json["received"] == sent
    assert pending_count(db) == 1 and len(backend_storage.list_multipart_uploads()) == 1
    rest = uploading.send_parts(client, again.json, [CHUNKS[1]], numbers=[2])
    response = uploading.complete(client, again.json, again.json["received"] + rest)
    assert response.status_code == 202, response.get_data(as_text=True)
    assert work_off("catalogue.verify_upload") == ["done"]
    material = db.session.get(Material, response.json["material"]["id"])
    assert material.status == MaterialStatus.READY and material.sha256 == hashlib.sha256(DATA).hexdigest()
    # What the trainer said the second time counts.
    assert material.language == "lt" and material.title == {"en": "Spawanie — część 2"}
    assert pending_count(db) == 0 and backend_storage.list_multipart_uploads() == []


def test_resuming_without_a_title_or_language_keeps_the_earlier_ones(client, db, lesson):
    uploading.send_parts(client, start(client, lesson.id, title="Spawanie", language="lt").json, [CHUNKS[0]])
    again = start(client, lesson.id, title="")
    assert again.status_code == 200
    pending = db.session.scalar(select(PendingUpload))
    assert (pending.title, pending.language) == ({"en": "Spawanie"}, "lt")


def test_a_finished_or_cancelled_upload_is_not_resumed(client, db, lesson):
    started = start(client, lesson.id).json
    parts = uploading.send_parts(client, started, CHUNKS)
    assert uploading.complete(client, started, parts).status_code == 202
    assert start(client, lesson.id).status_code == 201  # the same file uploaded once more: a new upload
    cancelled = start(client, lesson.id)
    assert cancelled.status_code == 200  # ... which is the unfinished one until cancelled
    assert client.post(cancelled.json["abort_url"], json={},
                       headers={"X-CSRFToken": client.csrf_token()}).status_code == 200
    again = start(client, lesson.id)
    assert again.status_code == 201 and again.json["received"] == []


@pytest.mark.parametrize("change", [
    {"last_modified": 1_764_900_000_001},
    {"sample_sha256": "0" * 64},
    {"sample_sha256": None},
    {"last_modified": None},  # no fingerprint: never resumed
])
def test_another_file_starts_a_new_upload(client, db, lesson, change):
    uploading.send_parts(client, start(client, lesson.id).json, [CHUNKS[0]])
    assert start(client, lesson.id, **change).status_code == 201
    assert pending_count(db) == 2


def test_another_person_or_lesson_does_not_resume(client, db, login, lesson, trainer):
    uploading.send_parts(client, start(client, lesson.id).json, [CHUNKS[0]])
    other_lesson = first_lesson(create_course(trainers=[trainer]))
    assert start(client, other_lesson.id).status_code == 201
    client.post_form("/logout")
    colleague = create_user(Role.TRAINER)
    lesson.module.course.trainers.append(colleague)
    db.session.commit()
    login(colleague)
    response = start(client, lesson.id)
    assert response.status_code == 201 and response.json["received"] == []
    assert pending_count(db) == 3


def test_an_upload_storage_lost_starts_afresh(client, db, backend_storage, lesson):
    started = start(client, lesson.id).json
    uploading.send_parts(client, started, [CHUNKS[0]])
    pending = db.session.scalar(select(PendingUpload))
    backend_storage.abort_multipart_upload(pending.storage_key, pending.upload_id)
    response = start(client, lesson.id)
    assert response.status_code == 201 and response.json["received"] == []
    assert pending_count(db) == 1


def test_resuming_after_a_day_gives_a_fresh_token_and_restarts_the_wait(client, db, lesson, monkeypatch):
    from datetime import timedelta

    from app.catalogue.uploads import upload_token
    from app.core.db import utcnow

    uploading.send_parts(client, start(client, lesson.id).json, [CHUNKS[0]])
    pending = db.session.scalar(select(PendingUpload))
    pending.created_at = utcnow() - timedelta(hours=30)
    db.session.commit()
    with issued_in_the_past(monkeypatch, 30 * 3600):
        expired = upload_token(pending)
    headers = {"X-CSRFToken": client.csrf_token()}
    assert client.post(f"/api/uploads/{expired}/parts/2/target", json={}, headers=headers).status_code == 403
    again = start(client, lesson.id)
    assert again.status_code == 200 and [p["number"] for p in again.json["received"]] == [1]
    db.session.expire_all()
    assert utcnow() - db.session.scalar(select(PendingUpload.created_at)) < timedelta(minutes=1)
    assert client.post(again.json["target_url"].replace("__PART__", "2"), json={}, headers=headers).status_code == 200


@pytest.mark.parametrize("hostile", [
    {"sample_sha256": "zz" * 32}, {"sample_sha256": "../" * 30}, {"sample_sha256": "a" * 10_000},
    {"sample_sha256": "A" * 64}, {"sample_sha256": 42}, {"sample_sha256": {"a": 1}},
    {"last_modified": -1}, {"last_modified": "yesterday"}, {"last_modified": 2**70}, {"last_modified": 1.5e300},
    {"last_modified": {"$gt": 0}}, {"language": "de"}, {"language": "' OR 1=1 --"}, {"language": 42},
])
def test_hostile_fingerprints_and_languages_are_refused_cleanly(client, db, lesson, hostile):
    response = start(client, lesson.id, **hostile)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.json["error"]  # a message in the trainer's language
    assert pending_count(db) == 0


@pytest.mark.parametrize(("filename", "data", "language"), [("instrukcja.pdf", PDF, "pl"), ("plyta.dxf", DXF, "any"),
                                                             ("film.mp4", MP4, "pl")])
def test_without_a_language_the_trainers_or_none_for_drawings(client, db, lesson, filename, data, language):
    response = uploading.upload(client, lesson.id, filename, data)
    assert db.session.get(Material, response.json["material"]["id"]).language == language


def test_the_materials_page_changes_its_language(client, db, lesson):
    response = uploading.upload(client, lesson.id, "instrukcja.pdf", PDF)
    material = db.session.get(Material, response.json["material"]["id"])
    page = client.get(f"/teach/materials/{material.id}/title")
    assert page.status_code == 200 and 'name="language"' in page.get_data(as_text=True)
    response = client.post_form(f"/teach/materials/{material.id}/title",
                                {"title_en": "Instruction", "language": "lt"})
    assert response.status_code == 303
    db.session.refresh(material)
    assert material.language == "lt"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "catalogue.material_language_changed"))
    assert (entry.before, entry.after) == ({"language": "pl"}, {"language": "lt"})
    response = client.post_form(f"/teach/materials/{material.id}/title", {"title_en": "Instruction", "language": "de"})
    assert response.status_code in (200, 422)
    db.session.refresh(material)
    assert material.language == "lt"
