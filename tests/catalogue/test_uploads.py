"""Uploads on both storage backends: the app signs, streams (local) or redirects (S3); a worker verifies what arrived
(run here in the test's process; with real worker processes in tests/catalogue/test_upload_worker.py)."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import func, select

from app.catalogue.models import Material, MaterialKind, MaterialStatus, PendingUpload
from app.core.permissions import Role
from app.storage import build_storage, get_storage
from tests.accounts.helpers import issued_in_the_past
from tests.catalogue import uploading
from tests.catalogue.samples import DXF, GCODE, MP4, PDF, PNG
from tests.factories import create_user
from tests.factories.catalogue import create_course, first_lesson
from tests.workoff import work_off


@pytest.fixture
def trainer_lesson(client, login, db):
    trainer = create_user(Role.TRAINER, language="pl")
    course = create_course(trainers=[trainer])
    login(trainer)
    return first_lesson(course)


def objects(storage) -> list[str]:
    return [o.key for o in storage.iter_objects()]


def no_leftovers(db, storage) -> bool:
    db.session.expire_all()
    return (db.session.scalar(select(func.count()).select_from(PendingUpload)) == 0
            and objects(storage) == [] and storage.list_multipart_uploads() == [])


@pytest.mark.parametrize(("filename", "data", "kind"), [
    ("Spawanie TIG – łuk.mp4", MP4, MaterialKind.VIDEO), ("instrukcja.pdf", PDF, MaterialKind.DOCUMENT),
    ("kontur.nc", GCODE, MaterialKind.CNC_PROGRAM), ("plyta.dxf", DXF, MaterialKind.DRAWING),
    ("zdjecie.png", PNG, MaterialKind.IMAGE)])
def test_upload_records_a_verified_material(client, db, backend_storage, trainer_lesson, filename, data, kind):
    response = uploading.upload(client, trainer_lesson.id, filename, data)
    assert response.status_code == 202, response.get_data(as_text=True)
    assert response.json["material"]["status"] == "processing"
    material = db.session.get(Material, response.json["material"]["id"])
    assert material.status == MaterialStatus.PROCESSING and material.sha256 is None
    # A video is converted for phones after the check (tests/catalogue/test_video_processing.py).
    assert work_off("catalogue.verify_upload", "catalogue.process_video") == ["done"] * (
        2 if kind == MaterialKind.VIDEO else 1)
    db.session.refresh(material)
    assert material.status == MaterialStatus.READY
    assert (material.kind, material.size, material.original_filename) == (kind, len(data), filename)
    assert material.storage_backend == backend_storage.name
    assert material.storage_key.startswith("materials/") and filename not in material.storage_key
    assert material.sha256 == backend_storage.sha256(material.storage_key)


def test_multi_part_upload(client, db, backend_storage, trainer_lesson, monkeypatch):
    monkeypatch.setattr("app.catalogue.uploads.DEFAULT_PART_SIZE", 5 * 1024 * 1024)
    data = MP4 + bytes(range(256)) * (12 * 1024 * 1024 // 256)
    response = uploading.upload(client, trainer_lesson.id, "long.mp4", data)
    assert response.status_code == 202
    work_off("catalogue.verify_upload", "catalogue.process_video")
    material = db.session.get(Material, response.json["material"]["id"])
    assert material.status == MaterialStatus.READY and material.size == len(data)
    assert backend_storage.read_range(material.storage_key, len(data) - 10, len(data) - 1) == data[-10:]


def test_presigned_part_urls_are_sigv4_short_and_exact(client, db, trainer_lesson, app, s3_config):
    original = app.extensions["mcc_storage"]
    app.extensions["mcc_storage"] = storage = build_storage(s3_config)
    try:
        started = uploading.start(client, trainer_lesson.id, "a.mp4", len(MP4)).json
        target = client.post(started["target_url"].replace("__PART__", "1"), json={},
                             headers={"X-CSRFToken": client.csrf_token()}).json
        pending = db.session.scalar(select(PendingUpload))
        url = urlsplit(target["url"])
        query = parse_qs(url.query)
        assert target["direct"] is True
        assert url.path == f"/{s3_config['S3_BUCKET']}/{pending.storage_key}"
        assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"] and query["X-Amz-Expires"] == ["300"]
        assert query["partNumber"] == ["1"] and query["uploadId"] == [pending.upload_id]
        client.post(started["abort_url"], json={}, headers={"X-CSRFToken": client.csrf_token()})
        assert no_leftovers(db, storage)
    finally:
        app.extensions["mcc_storage"] = original


def test_a_disguised_file_is_refused_and_leaves_nothing(client, db, backend_storage, trainer_lesson):
    response = uploading.upload(client, trainer_lesson.id, "film.mp4", PNG)
    assert response.status_code == 202
    work_off("catalogue.verify_upload", "catalogue.process_video")
    status = client.get(response.json["material"]["status_url"]).json["material"]
    assert status["status"] == "refused"
    assert status["message"] == "Zawartość pliku nie odpowiada jego typowi (film.mp4). Nie został zapisany."
    assert status["refusal"] == "wrong_type"  # the code, for scripts (the message is in the reader's language)
    material = db.session.get(Material, status["id"])
    assert material.refusal == "wrong_type" and material.deleted_at is not None and material.purged_at is not None
    assert no_leftovers(db, backend_storage)


def test_refused_types_and_sizes_before_anything_is_stored(client, db, backend_storage, trainer_lesson, app,
                                                           monkeypatch):
    monkeypatch.setitem(app.config, "MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
    assert uploading.start(client, trainer_lesson.id, "virus.exe", 100).status_code == 422
    assert uploading.start(client, trainer_lesson.id, "page.html", 100).status_code == 422
    too_big = uploading.start(client, trainer_lesson.id, "big.mp4", 11 * 1024 * 1024)
    assert too_big.status_code == 422 and too_big.json["error"] == "Plik jest za duży: dozwolone najwyżej 10 MB."
    assert uploading.start(client, trainer_lesson.id, "empty.pdf", 0).status_code == 422
    assert no_leftovers(db, backend_storage)


def test_a_browser_that_lies_about_the_size_is_held_to_its_announcement(client, db, backend_storage,
                                                                          trainer_lesson):
    """Announced 1,000 bytes: there is no part 2, part 1 may not be larger (local: refused while it streams;
    S3: its URL signs the exact length, which real S3 enforces), and whatever arrives must total 1,000 bytes."""
    started = uploading.start(client, trainer_lesson.id, "small.mp4", 1000).json
    token = client.csrf_token()
    second = client.post(started["target_url"].replace("__PART__", "2"), json={}, headers={"X-CSRFToken": token})
    assert second.status_code == 422 and second.json["error"] == "Nieprawidłowy numer części."
    target = client.post(started["target_url"].replace("__PART__", "1"), json={}, headers={"X-CSRFToken": token}).json
    oversized = MP4 + bytes(6 * 1024 * 1024)
    if target["direct"]:
        signed = parse_qs(urlsplit(target["url"]).query)["X-Amz-SignedHeaders"][0].split(";")
        assert "content-length" in signed
        # moto does not check signatures: the oversized part gets in, and the worker refuses the total.
        etag = requests.put(target["url"], data=oversized, timeout=30).headers["ETag"]
        response = uploading.complete(client, started, [{"number": 1, "etag": etag}])
        assert response.status_code == 202
        work_off("catalogue.verify_upload", "catalogue.process_video")
        status = client.get(response.json["material"]["status_url"]).json["material"]
        assert status["status"] == "refused"
        assert status["message"] == "Przesyłanie było niepełne lub przerwane. Prześlij plik ponownie."
    else:
        response = client.put(target["url"], data=oversized, headers={"X-CSRFToken": token})
        assert response.status_code == 422 and "większa niż zapowiedziano" in response.json["error"]
        client.post(started["abort_url"], json={}, headers={"X-CSRFToken": token})
    assert no_leftovers(db, backend_storage)


def test_an_interrupted_upload_is_refused_and_cleaned(client, db, backend_storage, trainer_lesson, monkeypatch):
    monkeypatch.setattr("app.catalogue.uploads.DEFAULT_PART_SIZE", 5 * 1024 * 1024)
    started = uploading.start(client, trainer_lesson.id, "cut.mp4", 11 * 1024 * 1024).json
    parts = uploading.send_parts(client, started, [MP4 + bytes(5 * 1024 * 1024 - len(MP4))])
    response = uploading.complete(client, started, [*parts, {"number": 2, "etag": '"not-sent"'}])
    assert response.status_code == 422  # a part is missing: refused at once, on both backends
    assert response.json["error"] == "Przesyłanie było niepełne lub przerwane. Prześlij plik ponownie."
    assert no_leftovers(db, backend_storage)


def test_a_part_that_is_not_what_was_sent_is_refused_and_cleaned(client, db, backend_storage, trainer_lesson):
    """Every part announced, one with an ETag that was never sent: the request accepts it (it only counts the
    parts); the worker that joins them finds out and refuses the upload, on both backends."""
    started = uploading.start(client, trainer_lesson.id, "cut.pdf", len(PDF)).json
    uploading.send_parts(client, started, [PDF])
    response = uploading.complete(client, started, [{"number": 1, "etag": '"not-sent"'}])
    assert response.status_code == 202
    work_off("catalogue.verify_upload", "catalogue.process_video")
    status = client.get(response.json["material"]["status_url"]).json["material"]
    assert (status["status"], status["message"]) == (
        "refused", "Przesyłanie było niepełne lub przerwane. Prześlij plik ponownie.")
    assert no_leftovers(db, backend_storage)


def test_an_upload_whose_row_cannot_be_saved_leaves_no_object(client, db, backend_storage, trainer_lesson,
                                                              monkeypatch):
    def failing(*args, **kwargs):
        raise RuntimeError("the audit entry could not be written")

    monkeypatch.setattr("app.catalogue.uploads.record_event", failing)
    started = uploading.start(client, trainer_lesson.id, "x.pdf", len(PDF)).json
    parts = uploading.send_parts(client, started, [PDF])
    assert uploading.complete(client, started, parts).status_code == 500
    assert objects(backend_storage) == []
    assert db.session.scalar(select(func.count()).select_from(Material)) == 0


def test_cancelling_aborts_the_upload(client, db, backend_storage, trainer_lesson):
    started = uploading.start(client, trainer_lesson.id, "x.pdf", len(PDF)).json
    uploading.send_parts(client, started, [PDF])
    assert client.post(started["abort_url"], json={}, headers={"X-CSRFToken": client.csrf_token()}).status_code == 200
    assert no_leftovers(db, backend_storage)


def test_path_like_and_unicode_names_never_reach_the_key(client, db, backend_storage, trainer_lesson):
    response = uploading.upload(client, trainer_lesson.id, "../../etc/Łódź – ąžuolas\x07.pdf", PDF)
    material = db.session.get(Material, response.json["material"]["id"])
    assert material.original_filename == "Łódź – ąžuolas.pdf"
    assert ".." not in material.storage_key and "ą" not in material.storage_key


def test_tampered_expired_and_foreign_tokens_are_refused(client, db, login, trainer_lesson, monkeypatch):
    started = uploading.start(client, trainer_lesson.id, "a.pdf", len(PDF)).json
    token = started["complete_url"].split("/")[3]
    headers = {"X-CSRFToken": client.csrf_token()}
    tampered = started["target_url"].replace(token, token[:-2] + "xx").replace("__PART__", "1")
    response = client.post(tampered, json={}, headers=headers)
    assert response.status_code == 403 and response.json["error"] == "Ten link do przesyłania jest nieprawidłowy."
    from app.catalogue.uploads import upload_token

    pending = db.session.scalar(select(PendingUpload))
    with issued_in_the_past(monkeypatch, 25 * 3600):
        expired = upload_token(pending)
    response = client.post(f"/api/uploads/{expired}/parts/1/target", json={}, headers=headers)
    assert response.status_code == 403 and "wygasło" in response.json["error"]
    client.post_form("/logout")
    other = create_user(Role.TRAINER)
    login(other)
    response = client.post(started["target_url"].replace("__PART__", "1"), json={},
                           headers={"X-CSRFToken": client.csrf_token()})
    assert response.status_code == 403


def test_only_the_courses_trainers_upload(client, db, login):
    course = create_course(trainers=[create_user(Role.TRAINER)])
    login(create_user(Role.TRAINER))
    assert uploading.start(client, first_lesson(course).id, "a.pdf", 10).status_code == 403
    client.post_form("/logout")
    login(create_user(Role.TRAINEE))
    assert uploading.start(client, first_lesson(course).id, "a.pdf", 10).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(PendingUpload)) == 0


def test_uploads_need_the_csrf_token(client, db, trainer_lesson):
    response = client.post(f"/api/lessons/{trainer_lesson.id}/uploads", json={"filename": "a.pdf", "size": 10})
    assert response.status_code == 400


def test_cleanup_aborts_abandoned_uploads(app, client, db, backend_storage, trainer_lesson):
    started = uploading.start(client, trainer_lesson.id, "slow.pdf", len(PDF)).json
    uploading.send_parts(client, started, [PDF])
    runner = app.test_cli_runner()
    assert "0 abandoned" in runner.invoke(args=["storage", "cleanup-uploads", "--older-than-hours", "1"]).output
    assert "1 abandoned" in runner.invoke(args=["storage", "cleanup-uploads", "--older-than-hours", "0"]).output
    assert no_leftovers(db, get_storage())
