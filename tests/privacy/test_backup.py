"""Backup round trips: seed data and files, back up, restore into a fresh database and storage (SQLite →
SQLite, SQLite → PostgreSQL, PostgreSQL → SQLite), then compare every row and every object's checksum."""

import hashlib
import json
import zipfile

import pytest
from sqlalchemy import select

from app.backup import BackupError, create_backup, restore_backup, verify_backup
from app.extensions import db
from tests.conftest import make_test_app
from tests.dbutil import BACKENDS, fresh_database, upgrade_to_head
from tests.privacy.backups import KEYS, snapshot


def seeded_app(url, media, **settings):
    app = make_test_app(url, media, **settings)
    upgrade_to_head(app)
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return app


@pytest.mark.parametrize(("source", "target", "encrypted"), [
    ("sqlite", "sqlite", False), ("sqlite", "postgresql", False), ("postgresql", "sqlite", False),
    ("sqlite", "postgresql", True), ("postgresql", "sqlite", True)])
def test_backup_and_restore_round_trip(source, target, encrypted, tmp_path):
    if "postgresql" in (source, target) and "postgresql" not in BACKENDS:
        pytest.skip("TEST_DATABASE_URL is not set: no PostgreSQL to restore into")
    archive = tmp_path / "mcc.zip"
    # Unencrypted: both sides sign with the key derived from the (same) secret key; encrypted: with KEYS.
    settings = KEYS if encrypted else {}
    with fresh_database(source, tmp_path) as source_url:
        app = seeded_app(source_url, tmp_path / "media-a", **settings)
        with app.app_context():
            manifest = create_backup(archive, encrypt=encrypted)
            assert verify_backup(archive) == []
            db.engine.dispose()
        original_rows, original_objects = snapshot(app)
    assert manifest["objects"] and sum(t["rows"] for t in manifest["tables"].values()) > 100
    assert zipfile.is_zipfile(archive) is not encrypted
    with fresh_database(target, tmp_path) as target_url:
        restored = make_test_app(target_url, tmp_path / "media-b", **settings)
        upgrade_to_head(restored)
        result = restored.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
        assert result.exit_code == 0, result.output
        rows, objects = snapshot(restored)
        with restored.app_context():  # the restored installation keeps working: new rows get new ids
            from tests.factories import create_user

            assert create_user().id > max(json.loads(r)["id"] for r in rows["users"])
            db.engine.dispose()
    assert rows == original_rows
    assert objects == {o["key"]: o["sha256"] for o in manifest["objects"]} == {
        k: v for k, v in original_objects.items() if k in objects}


def test_verify_finds_a_damaged_archive_and_restore_refuses_it(tmp_path):
    archive = tmp_path / "mcc.zip"
    with fresh_database("sqlite", tmp_path) as url:
        app = seeded_app(url, tmp_path / "media")
        with app.app_context():
            manifest = create_backup(archive)
    damaged = tmp_path / "damaged.zip"
    key = manifest["objects"][0]["key"]
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == f"objects/{key}":
                data = data[:-1] + bytes([data[-1] ^ 1])
            if item.filename == "tables/users.jsonl":
                data = data.replace(b"Katarzyna", b"Katarzynx")
            target.writestr(item, data)
    with app.app_context():
        problems = verify_backup(damaged)
    assert any(key in p for p in problems) and any("users.jsonl" in p for p in problems)
    with fresh_database("sqlite", tmp_path) as url:
        empty = make_test_app(url, tmp_path / "media-c")
        upgrade_to_head(empty)
        result = empty.test_cli_runner().invoke(args=["backup", "restore", str(damaged)])
        assert result.exit_code != 0 and "damaged" in result.output
        with empty.app_context():
            from app.accounts.models import User

            assert db.session.scalar(select(User)) is None


def test_restore_refuses_an_installation_that_has_data(tmp_path):
    archive = tmp_path / "mcc.zip"
    with fresh_database("sqlite", tmp_path) as url:
        app = seeded_app(url, tmp_path / "media")
        with app.app_context():
            create_backup(archive)
            with pytest.raises(BackupError, match="empty installation"):
                restore_backup(archive)


def test_the_manifest_checksums_are_the_objects(tmp_path):
    archive = tmp_path / "mcc.zip"
    with fresh_database("sqlite", tmp_path) as url:
        app = seeded_app(url, tmp_path / "media")
        with app.app_context():
            manifest = create_backup(archive)
    with zipfile.ZipFile(archive) as source:
        for obj in manifest["objects"]:
            assert hashlib.sha256(source.read(f"objects/{obj['key']}")).hexdigest() == obj["sha256"]
