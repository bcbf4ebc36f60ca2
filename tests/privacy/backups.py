"""Helpers for the backup tests: apps with backup keys, a seeded source, empty targets, snapshots, and archives
rewritten the way someone tampering with them would."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from app.backup.archive import MANIFEST, SIGNATURE, sign
from app.backup.keys import BackupKeys, backup_keys
from app.extensions import db
from app.storage import get_storage
from tests.conftest import make_test_app
from tests.dbutil import fresh_database, upgrade_to_head

#: Keys of "this installation" (random-looking, as production refuses weak ones) and of another one.
KEYS = {"BACKUP_KEY": "kV3q9-Zb7wPp2LrX5tYcN8mHd4sQ6fJ1uE0aWgRi",
        "BACKUP_ENCRYPTION_KEY": "8Yb2n4Qx7Wv1Kc5Ls9Pd3Hf6Jg0Mt2Rz8Ua4Ne6Bq1E"}
OTHER_KEYS = {"BACKUP_KEY": "Zp0o9I8u7Y6t5R4e3W2q1AsDfGhJkLzXcVbNm-_Q",
              "BACKUP_ENCRYPTION_KEY": "b6Tq1Rm8Xz3Lc0Wv5Nf2Kh9Js4Pd7Gy1Ae6Bu3Ci8Do"}


def keys_of(settings: dict) -> BackupKeys:
    return backup_keys(settings)


def backup_app(url: str, media: Path, settings: dict | None = None):
    return make_test_app(url, media, **(KEYS if settings is None else settings))


def seeded_app(url: str, media: Path, settings: dict | None = None):
    app = backup_app(url, media, settings)
    upgrade_to_head(app)
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return app


@contextmanager
def empty_target(backend: str, tmp: Path, settings: dict | None = None) -> Iterator:
    """A migrated, empty installation (database and storage) to restore into."""
    with fresh_database(backend, tmp) as url:
        app = backup_app(url, tmp / f"media-{backend}-target", settings)
        upgrade_to_head(app)
        try:
            yield app
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def snapshot(app) -> tuple[dict, dict]:
    """Every row of every table (in portable form) and every object's checksum."""
    from app.backup.common import encode

    with app.app_context():
        rows = {}
        for table in db.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            rows[table.name] = [json.dumps({k: encode(v) for k, v in r.items()}, sort_keys=True, default=str)
                                for r in db.session.execute(select(table).order_by(*order)).mappings()]
        storage = get_storage()
        objects = {o.key: storage.sha256(o.key) for o in storage.iter_objects()}
        db.session.remove()
        db.engine.dispose()
    return rows, objects


def contents(app) -> tuple[int, list[str]]:
    """Rows in all tables and the keys of all stored objects: (0, []) for an empty installation."""
    with app.app_context():
        rows = sum(db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables)
        objects = [o.key for o in get_storage().iter_objects()]
        db.session.remove()
    return rows, objects


def rewrite(source: Path, target: Path, edit: Callable[[str, bytes, dict], bytes | None], *,
            rehash: bool = False, resign: BackupKeys | None = None) -> None:
    """Copy an unencrypted archive entry by entry through ``edit(name, data, manifest)`` (None drops the entry).

    ``rehash``: then put the edited entries' checksums and counts in the manifest, as someone without the key
    would (the signature stays the old one). ``resign``: sign the (edited) manifest with these keys, as the key
    holder would."""
    with zipfile.ZipFile(source) as archive:
        manifest = json.loads(archive.read(MANIFEST))
        entries = {}
        for name in archive.namelist():
            if name in (MANIFEST, SIGNATURE):
                continue
            data = edit(name, archive.read(name), manifest)
            if data is not None:
                entries[name] = data
        manifest_bytes = archive.read(MANIFEST)
        signature = archive.read(SIGNATURE)
    if rehash or resign:
        for table, facts in manifest["tables"].items():
            data = entries.get(f"tables/{table}.jsonl", b"")
            facts.update(sha256=hashlib.sha256(data).hexdigest(), rows=data.count(b"\n"))
        for obj in manifest["objects"]:
            data = entries.get(f"objects/{obj['key']}", b"")
            obj.update(sha256=hashlib.sha256(data).hexdigest(), size=len(data))
        manifest_bytes = json.dumps(manifest, indent=2).encode()
    entries[MANIFEST] = edit(MANIFEST, manifest_bytes, manifest)
    if resign:
        signature = sign(entries[MANIFEST], resign)
    entries[SIGNATURE] = edit(SIGNATURE, signature, manifest)
    entries = {name: data for name, data in entries.items() if data is not None}
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as out:
        for name, data in entries.items():
            out.writestr(name, data)


def unchanged(name: str, data: bytes, manifest: dict) -> bytes:
    return data


@dataclass
class Source:
    """A seeded SQLite installation's archives (made once per test module) and what they must restore to."""

    plain: Path
    encrypted: Path
    manifest: dict
    rows: dict
    objects: dict


def make_source(tmp_path_factory) -> Source:
    """For each module's ``source`` fixture (module-scoped: seeding takes seconds)."""
    from app.backup import create_backup

    tmp = tmp_path_factory.mktemp("backup-source")
    with fresh_database("sqlite", tmp) as url:
        app = seeded_app(url, tmp / "media")
        with app.app_context():
            manifest = create_backup(tmp / "plain.zip")
            create_backup(tmp / "sealed.mccbackup", encrypt=True)
            db.session.remove()
            db.engine.dispose()
        rows, objects = snapshot(app)
    assert manifest["objects"] and rows["users"]
    return Source(tmp / "plain.zip", tmp / "sealed.mccbackup", manifest, rows, objects)


def restored_as_source(app, source: Source) -> bool:
    rows, objects = snapshot(app)
    return rows == source.rows and objects == {o["key"]: o["sha256"] for o in source.manifest["objects"]}
