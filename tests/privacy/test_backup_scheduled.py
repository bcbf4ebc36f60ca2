"""Scheduled backups, configured in one place: made into MCC_BACKUP_DIR at the times MCC_BACKUP_SCHEDULE names,
encrypted when there is a key, the newest MCC_BACKUP_KEEP kept (an older one is deleted only once a new one is
complete), a missing object recorded rather than costing the night's backup, and a schedule no worker could follow
refused at start-up. A real worker making one is in tests/jobs/test_heavy_work.py."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app import create_app
from app.backup import make_scheduled_backup, verify_archive
from app.backup.common import BackupError
from app.backup.sealed import MAGIC
from app.core.models import AuditEntry
from app.extensions import db
from app.jobs.schedule import SCHEDULE
from app.storage import get_storage
from config import ConfigError, TestingConfig
from tests.dbutil import fresh_database
from tests.privacy.backups import KEYS, seeded_app

NIGHT = datetime(2031, 3, 10, 1, 30, tzinfo=UTC)


@pytest.fixture
def installation(backend, tmp_path):
    """A seeded installation whose scheduled backups go to ``tmp_path/backups`` and keep two."""
    settings = {"BACKUP_KEY": KEYS["BACKUP_KEY"], "BACKUP_DIR": str(tmp_path / "backups"), "BACKUP_KEEP": 2}
    with fresh_database(backend, tmp_path) as url:
        app = seeded_app(url, tmp_path / "media", settings)
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def backup_at(app, moment):
    with app.app_context():
        try:
            path = make_scheduled_backup(moment)
            db.session.commit()  # as the worker's outbox does after the handler
            return path
        finally:
            db.session.remove()


def test_the_newest_backups_are_kept_and_each_is_sound(installation, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "notes.txt").write_text("the operator's own file: never touched")
    made = [backup_at(installation, NIGHT + timedelta(days=day)) for day in range(3)]
    assert sorted(p.name for p in folder.iterdir()) == ["mcc-20310311T013000Z.zip", "mcc-20310312T013000Z.zip",
                                                        "notes.txt"]
    assert not made[0].exists()
    with installation.app_context():
        result = verify_archive(made[-1])
        assert result.problems == [] and not result.encrypted
        events = db.session.scalars(select(AuditEntry.after).where(AuditEntry.action == "backup.scheduled")
                                    .order_by(AuditEntry.id)).all()
    assert [e["archive"] for e in events] == [p.name for p in made]
    assert events[-1]["removed"] == ["mcc-20310310T013000Z.zip"] and events[-1]["missing"] == []


def test_a_failed_backup_costs_no_older_one(installation, tmp_path, monkeypatch):
    first = backup_at(installation, NIGHT)
    second = backup_at(installation, NIGHT + timedelta(days=1))

    def broken(*args, **kwargs):
        raise BackupError("the disk is full")

    monkeypatch.setattr("app.backup.scheduled.create_backup", broken)
    with pytest.raises(BackupError):
        backup_at(installation, NIGHT + timedelta(days=2))
    assert first.exists() and second.exists()


def test_with_an_encryption_key_every_scheduled_backup_is_encrypted(installation):
    installation.config["BACKUP_ENCRYPTION_KEY"] = KEYS["BACKUP_ENCRYPTION_KEY"]
    path = backup_at(installation, NIGHT)
    assert path.read_bytes()[:len(MAGIC)] == MAGIC
    with installation.app_context():
        assert verify_archive(path).encrypted


def test_a_missing_object_is_recorded_not_fatal(installation, caplog):
    with installation.app_context():
        storage = get_storage()
        gone = sorted(o.key for o in storage.iter_objects())[0]
        storage.delete(gone)
    path = backup_at(installation, NIGHT)
    assert path.exists()
    assert any(gone in record.getMessage() and record.levelname == "ERROR" for record in caplog.records)
    with installation.app_context():
        assert db.session.scalar(select(AuditEntry.after).where(AuditEntry.action == "backup.scheduled"))[
            "missing"] == [gone]


def test_without_a_folder_nothing_is_made(installation, tmp_path):
    installation.config["BACKUP_DIR"] = None
    assert backup_at(installation, NIGHT) is None
    assert not (tmp_path / "backups").exists()


def test_the_schedule_is_the_setting(app):
    scheduled = SCHEDULE["backup.scheduled"]
    with app.app_context():
        app.config["BACKUP_SCHEDULE"] = "30 1 * * *"
        assert scheduled.is_due(NIGHT) and not scheduled.is_due(NIGHT + timedelta(minutes=1))
        app.config["BACKUP_SCHEDULE"] = "0 2 * * 0"  # Sundays at 02:00 UTC
        assert not scheduled.is_due(NIGHT.replace(hour=2, minute=0))  # a Monday
        assert scheduled.is_due(datetime(2031, 3, 9, 2, 0, tzinfo=UTC))
        app.config["BACKUP_SCHEDULE"] = ""
        assert not scheduled.is_due(NIGHT)


@pytest.mark.parametrize(("settings", "message"), [
    ({"BACKUP_SCHEDULE": "30 25 * * *"}, r"MCC_BACKUP_SCHEDULE: '30 25 \* \* \*': 25 is not a valid input"),
    ({"BACKUP_SCHEDULE": "every night"}, "it needs five fields"),
    ({"BACKUP_KEEP": 0}, "MCC_BACKUP_KEEP must be at least 1"),
])
def test_a_schedule_no_worker_could_follow_is_refused_at_start(tmp_path, settings, message):
    with pytest.raises(ConfigError, match=message):
        create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'x.sqlite3'}",
                   MEDIA_ROOT=tmp_path / "media", BACKUP_DIR=str(tmp_path / "backups"), **settings)
