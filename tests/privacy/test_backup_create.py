"""`backup create` writes beside the target and renames when complete: a refused or failed backup leaves no file
at the target path (an older archive there stays as it was). Missing objects are all named."""

import io
import json
import sys
import zipfile

import pytest

from app.backup import BackupError, create_backup
from app.core.progress import BarProgress
from app.extensions import db
from app.storage import get_storage
from app.storage.base import StorageUnavailable
from app.storage.local import LocalStorage
from tests.dbutil import fresh_database
from tests.privacy.backups import contents, empty_target, seeded_app


@pytest.fixture
def installation(tmp_path):
    with fresh_database("sqlite", tmp_path) as url:
        app = seeded_app(url, tmp_path / "media")
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def remove_two_objects(app) -> list[str]:
    with app.app_context():
        storage = get_storage()
        keys = sorted(o.key for o in storage.iter_objects())[:2]
        for key in keys:
            storage.delete(key)
    return keys


def leftovers(directory) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith("."))


def test_missing_objects_are_all_named_and_no_file_is_left(installation, tmp_path):
    gone = remove_two_objects(installation)
    backups = tmp_path / "backups"
    backups.mkdir()
    target = backups / "mcc.zip"
    result = installation.test_cli_runner().invoke(args=["backup", "create", str(target)])
    assert result.exit_code != 0
    assert "2 stored object(s) that rows point to are missing" in result.output and "--allow-missing" in result.output
    for key in gone:
        assert key in result.output
    assert "Traceback" not in result.output
    assert list(backups.iterdir()) == []


def test_a_refused_backup_keeps_the_older_archive_at_the_path(installation, tmp_path):
    target = tmp_path / "mcc.zip"
    target.write_bytes(b"yesterday's archive")
    remove_two_objects(installation)
    with installation.app_context(), pytest.raises(BackupError, match="missing"):
        create_backup(target)
    assert target.read_bytes() == b"yesterday's archive" and leftovers(tmp_path) == []


def test_allow_missing_records_them_and_restore_reports_them(installation, tmp_path):
    gone = remove_two_objects(installation)
    archive = tmp_path / "mcc.zip"
    runner = installation.test_cli_runner()
    made = runner.invoke(args=["backup", "create", "--allow-missing", str(archive)])
    assert made.exit_code == 0, made.output
    with zipfile.ZipFile(archive) as opened:
        manifest = json.loads(opened.read("manifest.json"))
    assert [m["key"] for m in manifest["missing"]] == gone
    assert all(m["referenced_by"] for m in manifest["missing"])
    assert not {o["key"] for o in manifest["objects"]} & set(gone)
    verified = runner.invoke(args=["backup", "verify", str(archive)])
    assert verified.exit_code == 0 and "sound" in verified.output
    with empty_target("sqlite", tmp_path) as target:
        restored = target.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
        assert restored.exit_code == 0, restored.output
        assert all(f"missing when the archive was made: {key}" in restored.output for key in gone)
        assert len(contents(target)[1]) == len(manifest["objects"])


class FailingStorage(LocalStorage):
    """Storage that stops answering after ``reads`` objects."""

    def __init__(self, root, reads: int):
        super().__init__(root)
        self.reads = reads

    def open(self, key):
        if self.reads == 0:
            raise StorageUnavailable("connection refused")
        self.reads -= 1
        return super().open(key)


def test_a_failure_half_way_leaves_no_file(installation, tmp_path):
    target = tmp_path / "out" / "mcc.zip"
    target.parent.mkdir()
    with installation.app_context():
        failing = FailingStorage(installation.config["MEDIA_ROOT"], reads=2)
        with pytest.raises(BackupError, match=r"nothing was written to .*connection refused"):
            create_backup(target, storage=failing)
    assert list(target.parent.iterdir()) == []


def test_an_archive_is_readable_by_its_owner_only(installation, tmp_path):
    target = tmp_path / "mcc.zip"
    with installation.app_context():
        create_backup(target)
    assert target.stat().st_mode & 0o777 == 0o600


def test_no_progress_bars_when_not_a_terminal_or_quiet(installation, tmp_path, monkeypatch):
    result = installation.test_cli_runner().invoke(args=["backup", "create", str(tmp_path / "a.zip")])
    assert result.exit_code == 0 and result.output.count("\n") == 1, result.output  # only the summary
    terminal = io.StringIO()
    terminal.isatty = lambda: True
    monkeypatch.setattr(sys, "stderr", terminal)
    assert BarProgress(quiet=True).hidden and not BarProgress(quiet=False).hidden
    with BarProgress(quiet=False).step("Objects", 4) as advance:
        for _ in range(4):
            advance(1)
    assert "Objects" in terminal.getvalue() and "100%" in terminal.getvalue()
