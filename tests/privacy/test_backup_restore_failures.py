"""A restore that fails half-way undoes itself: no row is kept, the objects it wrote are removed, and the next
attempt succeeds. The faults are real: a storage that stops taking writes, a row the database refuses."""

import io
import json
import zipfile

import pytest
from sqlalchemy import select

from app.backup import BackupError, restore_backup
from app.extensions import db
from app.storage.base import StorageUnavailable
from app.storage.local import LocalStorage
from tests.dbutil import BACKENDS
from tests.privacy.backups import KEYS, contents, empty_target, keys_of, make_source, restored_as_source, rewrite


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    return make_source(tmp_path_factory)


class FillingStorage(LocalStorage):
    """The target's own storage, which takes ``room`` objects and then refuses every write (a full disk)."""

    def __init__(self, root, room: int):
        super().__init__(root)
        self.room = room

    def save(self, key, stream, content_type=None, max_bytes=None):
        if self.room == 0:
            raise StorageUnavailable("no space left on device")
        self.room -= 1
        return super().save(key, stream, content_type, max_bytes)


@pytest.mark.parametrize("backend", BACKENDS)
def test_storage_failing_half_way_leaves_the_target_empty_and_a_retry_succeeds(backend, source, tmp_path):
    assert len(source.manifest["objects"]) > 2
    with empty_target(backend, tmp_path) as target:
        with target.app_context():
            full = FillingStorage(target.config["MEDIA_ROOT"], room=2)
            with pytest.raises(BackupError, match=r"restore failed and was undone.*no space left on device"):
                restore_backup(source.plain, storage=full)
            assert full.room == 0  # it really wrote two objects before failing
        assert contents(target) == (0, [])
        retry = target.test_cli_runner().invoke(args=["backup", "restore", str(source.plain)])
        assert retry.exit_code == 0, retry.output
        assert restored_as_source(target, source)


def last_table_with_rows(manifest: dict) -> str:
    with_rows = [t for t, facts in manifest["tables"].items() if facts["rows"]]
    order = [t.name for t in db.metadata.sorted_tables]
    return max(with_rows, key=order.index)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_row_the_database_refuses_undoes_every_row_and_object(backend, source, tmp_path):
    """A signed archive (made by the key holder) whose last table repeats a row: every object and most rows are
    in when the primary key refuses it."""
    table = last_table_with_rows(source.manifest)

    def repeat_a_row(name, data, manifest):
        return data + data.split(b"\n", 1)[0] + b"\n" if name == f"tables/{table}.jsonl" else data

    refused = tmp_path / "refused.zip"
    rewrite(source.plain, refused, repeat_a_row, resign=keys_of(KEYS))
    with empty_target(backend, tmp_path) as target:
        runner = target.test_cli_runner()
        assert runner.invoke(args=["backup", "verify", str(refused)]).exit_code == 0  # sound, only unrestorable
        failed = runner.invoke(args=["backup", "restore", str(refused)])
        assert failed.exit_code != 0 and "restore failed and was undone" in failed.output, failed.output
        assert "IntegrityError" in failed.output
        assert contents(target) == (0, [])
        retry = runner.invoke(args=["backup", "restore", str(source.plain)])
        assert retry.exit_code == 0, retry.output
        assert restored_as_source(target, source)


def test_a_restore_killed_half_way_can_be_run_again(source, tmp_path):
    """A killed process cannot clean up: its rows were never committed, its objects stay. The next run takes the
    objects that are right as they are and replaces any that are not."""
    first, second = source.manifest["objects"][:2]
    with empty_target("sqlite", tmp_path) as target:
        with target.app_context():
            storage = LocalStorage(target.config["MEDIA_ROOT"])
            with zipfile.ZipFile(source.plain) as archive:
                storage.save(first["key"], archive.open(f"objects/{first['key']}"))
            storage.save(second["key"], io.BytesIO(b"half written"))
        result = target.test_cli_runner().invoke(args=["backup", "restore", str(source.plain)])
        assert result.exit_code == 0, result.output
        assert restored_as_source(target, source)


def test_restore_refuses_an_archive_of_another_revision(source, tmp_path):
    def other_revision(name, data, manifest):
        if name != "manifest.json":
            return data
        edited = json.loads(data)
        edited["alembic_revision"] = "0000deadbeef"
        return json.dumps(edited).encode()

    older = tmp_path / "older.zip"
    rewrite(source.plain, older, other_revision, resign=keys_of(KEYS))
    with empty_target("sqlite", tmp_path) as target:
        result = target.test_cli_runner().invoke(args=["backup", "restore", str(older)])
        assert result.exit_code != 0 and "flask db upgrade" in result.output
        assert contents(target) == (0, [])
        with target.app_context():
            from app.accounts.models import User

            assert db.session.scalar(select(User)) is None
