"""The catalogue's scheduled upkeep, its handlers called here as a worker would (and by `flask jobs run`): uploads
nobody finished are aborted, deleted materials' objects are purged after 30 days."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.catalogue.models import PendingUpload
from app.core.db import utcnow
from app.core.models import AuditEntry
from app.core.permissions import Role
from app.jobs.outbox import HANDLERS
from app.jobs.schedule import SCHEDULE
from app.storage import get_storage
from tests.catalogue import uploading
from tests.catalogue.samples import PDF
from tests.factories import create_user
from tests.factories.catalogue import create_course, create_material, first_lesson


def run(name: str) -> None:
    """One scheduled upkeep, as ``flask jobs run <name>`` does it."""
    scheduled = SCHEDULE[name]
    HANDLERS[scheduled.kind].run(dict(scheduled.payload))


def test_uploads_nobody_came_back_to_for_three_days_are_aborted(client, login, db):
    """MCC_UPLOAD_ABANDONED_AFTER_HOURS (72): an upload left for two days can still be resumed."""
    trainer = create_user(Role.TRAINER)
    lesson = first_lesson(create_course(trainers=[trainer]))
    login(trainer)
    for name in ("old.pdf", "recent.pdf"):
        started = uploading.start(client, lesson.id, name, len(PDF)).json
        uploading.send_parts(client, started, [PDF])
    old = db.session.scalar(select(PendingUpload).where(PendingUpload.original_filename == "old.pdf"))
    old.created_at = utcnow() - timedelta(hours=73)
    recent = db.session.scalar(select(PendingUpload).where(PendingUpload.original_filename == "recent.pdf"))
    recent.created_at = utcnow() - timedelta(hours=47)
    db.session.commit()
    run("storage.cleanup_uploads")
    db.session.commit()
    assert list(db.session.scalars(select(PendingUpload.original_filename))) == ["recent.pdf"]
    assert len(get_storage().list_multipart_uploads()) == 1
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "catalogue.uploads_abandoned"))
    assert entry.after == {"aborted": 1}


def test_materials_deleted_more_than_30_days_ago_lose_their_objects(db):
    lesson = first_lesson(create_course())
    old, recent = create_material(lesson, filename="old.pdf"), create_material(lesson, filename="recent.pdf")
    old.deleted_at, recent.deleted_at = utcnow() - timedelta(days=31), utcnow() - timedelta(days=3)
    db.session.commit()
    run("storage.purge_materials")
    db.session.commit()
    db.session.refresh(old)
    db.session.refresh(recent)
    assert old.purged_at is not None and recent.purged_at is None
    assert [o.key for o in get_storage().iter_objects()] == [recent.storage_key]
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "catalogue.material_purged")) == 1


def test_every_upkeep_runs_from_the_command_line(app, db):
    runner = app.test_cli_runner()
    for name in ("storage.cleanup_uploads", "storage.purge_materials", "reporting.refresh_figures",
                 "downloads.remove_expired", "privacy.retention"):
        result = runner.invoke(args=["jobs", "run", name])
        assert result.exit_code == 0 and f"{name} done." in result.output, result.output
