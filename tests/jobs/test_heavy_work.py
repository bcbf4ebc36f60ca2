"""Heavy work and upkeep done by a real worker process: an upload verified (local storage and S3), a disguised
file refused and removed with its uploader told, an export built and offered to its asker, and the scheduler
asking for an upkeep that a worker then does."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.catalogue.models import Material, MaterialStatus, PendingUpload
from app.core.db import declare_writing, utcnow
from app.core.models import AuditEntry
from app.core.permissions import Role
from app.downloads.models import GeneratedFile, GeneratedStatus
from app.extensions import db
from app.jobs.models import OutboxMessage
from app.notifications.models import Notification
from app.storage import get_storage
from tests.catalogue import uploading
from tests.catalogue.samples import MP4, PDF, PNG
from tests.factories import create_user
from tests.factories.catalogue import create_course, first_lesson
from tests.jobs.conftest import wait_for

DATA = MP4 + bytes(range(256)) * 64  # a small film, with a checksum worth checking


def read(app, statement):
    with app.app_context():
        try:
            return db.session.scalar(statement)
        finally:
            db.session.remove()


@pytest.fixture(params=["local", "s3"])
def upload_world(request, jobs_world):
    """A trainer with a lesson, logged in, on local storage or on S3 (the worker process gets the same settings)."""
    return jobs_world.trainer_uploading(request, request.param)


def test_a_completed_upload_is_ready_with_its_sha256_once_a_worker_verified_it(upload_world):
    world, client, lesson_id, _trainer_id = upload_world
    app = world.app
    response = uploading.upload(client, lesson_id, "spawanie.mp4", DATA)
    assert response.status_code == 202 and response.json["material"]["status"] == "processing"
    material_id = response.json["material"]["id"]
    wait_for(lambda: read(app, select(Material.status).where(Material.id == material_id)) == MaterialStatus.READY,
             30, "the worker's verification")
    with app.app_context():
        material = db.session.get(Material, material_id)
        assert material.sha256 == hashlib.sha256(DATA).hexdigest() and material.size == len(DATA)
        assert get_storage().sha256(material.storage_key) == material.sha256
        db.session.remove()
    assert client.get(response.json["material"]["status_url"]).json["material"]["status"] == "ready"


def test_a_file_that_is_not_what_its_name_says_is_refused_leaves_nothing_and_the_trainer_is_told(upload_world):
    world, client, lesson_id, trainer_id = upload_world
    app = world.app
    response = uploading.upload(client, lesson_id, "film.mp4", PNG + bytes(5000))
    assert response.status_code == 202
    material_id = response.json["material"]["id"]
    wait_for(lambda: read(app, select(Material.status).where(Material.id == material_id)) == MaterialStatus.REFUSED,
             30, "the worker's refusal")
    status = client.get(response.json["material"]["status_url"]).json["material"]
    assert status["message"] == "Zawartość pliku nie odpowiada jego typowi (film.mp4). Nie został zapisany."
    with app.app_context():
        storage = get_storage()
        # (Generated files aside: a worker crossing ten past the hour files the public offer catalogue.)
        wait_for(lambda: [o for o in storage.iter_objects() if not o.key.startswith("generated/")] == [], 30,
                 "the refused object's deletion")
        assert storage.list_multipart_uploads() == []
        assert db.session.scalar(select(func.count()).select_from(PendingUpload)) == 0
        notification = db.session.scalar(select(Notification).where(Notification.user_id == trainer_id))
        assert notification.kind == "upload.refused" and notification.params["name"] == "film.mp4"
        db.session.remove()


def test_an_export_is_built_by_a_worker_and_offered_to_its_asker(jobs_world):
    from tests.reporting import world as w

    app = jobs_world.app
    with app.app_context():
        w.build()
        coordinator = create_user(Role.COORDINATOR, language="en")
        email = coordinator.email
        db.session.remove()
    client = app.test_client()
    client.post("/login", data={"email": email, "password": "correct horse battery",
                                "csrf_token": client.csrf_token()})
    jobs_world.start_worker()
    page = client.get("/reports/export/people.xlsx?figure=enrolled&country=LT").location
    status = wait_for(lambda: (lambda s: s if s["status"] == "ready" else None)(client.get(page + "/status").json),
                      30, "the export's build")
    rows = list(load_workbook(io.BytesIO(client.get(status["url"]).data), read_only=True)
                .worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "Name" and [r[0] for r in rows[1:]] == ["Gražina", "Jonas"]
    assert read(app, select(GeneratedFile.status)) == GeneratedStatus.READY


def test_the_scheduler_asks_for_an_upkeep_and_a_worker_does_it(jobs_world):
    """What the workers' scheduler does each minute (``schedule.enqueue_due``), here for 03:10 UTC: the abandoned
    uploads' upkeep is asked for once per time slot and a worker does it."""
    from app.jobs.schedule import enqueue_due

    app = jobs_world.app
    with app.app_context():
        trainer = create_user(Role.TRAINER)
        lesson = first_lesson(create_course(trainers=[trainer]))
        storage = get_storage()
        key = "materials/2026/01/" + "a" * 32
        upload_id = storage.create_multipart_upload(key, "application/pdf")
        storage.upload_part(key, upload_id, 1, io.BytesIO(PDF))
        db.session.add(PendingUpload(lesson=lesson, user_id=trainer.id, storage_backend=storage.name,
                                     storage_key=key, upload_id=upload_id, original_filename="old.pdf",
                                     declared_size=len(PDF), part_size=5 * 2**20, title={"en": "Old"},
                                     created_at=utcnow() - timedelta(days=4)))  # beyond the 72 hours
        db.session.commit()
        db.session.remove()
    jobs_world.start_worker()
    # Yesterday's slot: the worker's own scheduler (firing for the real minute) cannot take it first.
    slot = (datetime.now(UTC) - timedelta(days=1)).replace(hour=3, minute=10, second=0, microsecond=0)
    with app.test_request_context("/"), app.app_context():
        declare_writing()  # as the scheduler does: SQLite's write lock first, then the look for the slot's key
        assert enqueue_due(slot) >= 1
        assert enqueue_due(slot) == 0  # once per slot, however many schedulers fire
        db.session.remove()
    wait_for(lambda: read(app, select(func.count()).select_from(PendingUpload)) == 0, 30, "the upkeep's work")
    assert read(app, select(OutboxMessage.done_at).where(
        OutboxMessage.key == f"storage.cleanup_uploads:{slot:%Y%m%dT%H%M}")) is not None
    assert read(app, select(AuditEntry.after).where(AuditEntry.action == "catalogue.uploads_abandoned")) == {
        "aborted": 1}
    with app.app_context():
        assert get_storage().list_multipart_uploads() == []
        db.session.remove()


def test_the_nightly_backup_is_made_by_a_worker(jobs_world, tmp_path):
    """MCC_BACKUP_SCHEDULE's slot comes; the scheduler asks once and a worker writes a sound archive."""
    from app.backup import verify_archive
    from app.jobs.schedule import enqueue_due

    app = jobs_world.app
    # A slot half a day away: the worker's own scheduler (firing for the real minute) must not take it first.
    slot = (datetime.now(UTC) - timedelta(hours=12)).replace(second=0, microsecond=0)
    settings = {"BACKUP_DIR": str(tmp_path / "backups"), "BACKUP_SCHEDULE": f"{slot.minute} {slot.hour} * * *",
                "BACKUP_KEY": "kV3q9-Zb7wPp2LrX5tYcN8mHd4sQ6fJ1uE0aWgRi"}
    app.config.update(settings)
    jobs_world.settings.update(settings)
    with app.app_context():
        create_user(Role.TRAINEE)
        db.session.commit()
        db.session.remove()
    jobs_world.start_worker()
    with app.test_request_context("/"), app.app_context():
        declare_writing()
        assert enqueue_due(slot) >= 1
        db.session.remove()
    archives = wait_for(lambda: list((tmp_path / "backups").glob("mcc-*.zip")), 60, "the backup")
    assert len(archives) == 1  # named by when it was made
    wait_for(lambda: read(app, select(AuditEntry.id).where(AuditEntry.action == "backup.scheduled")), 30,
             "the backup's audit entry")
    with app.app_context():
        assert verify_archive(archives[0]).problems == []
        db.session.remove()
