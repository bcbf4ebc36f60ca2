"""``backup restore``: all or nothing. Every object is written first and checked; then every row goes in within
one transaction, checked against the signed manifest as it is read, committed at the very end. Any failure rolls
the transaction back and removes the objects this restore wrote, so the target stays empty and a retry works."""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from flask import current_app
from sqlalchemy import Integer, func, select, text

from app.backup.archive import entry_problems, object_entry, open_archive, table_entry
from app.backup.common import ArchiveDamaged, BackupError, cause, decoder, revision, tables
from app.backup.keys import BackupKeys, backup_keys
from app.core.db import declare_writing
from app.core.progress import SILENT, Progress
from app.extensions import db
from app.storage import Storage, get_storage
from app.storage.base import HashingReader

log = logging.getLogger(__name__)
BATCH = 2000


def restore_backup(path: Path, keys: BackupKeys | None = None, *, storage: Storage | None = None,
                   progress: Progress = SILENT) -> dict:
    """Restore an archive into this empty installation (migrated to the archive's revision); returns the manifest.

    Refuses an archive whose signature, entries, checksums or row counts differ from what ``create`` wrote."""
    try:
        return _restore(Path(path), keys or backup_keys(current_app.config), storage or get_storage(), progress)
    except ArchiveDamaged as error:
        raise ArchiveDamaged(f"the archive is damaged (nothing was restored):\n  {error.message}") from None


def _restore(path: Path, keys: BackupKeys, storage: Storage, progress: Progress) -> dict:
    with open_archive(path, keys) as opened:
        archive, manifest = opened.archive, opened.manifest
        problems = entry_problems(archive, manifest)
        if problems:
            raise ArchiveDamaged("\n  ".join(problems))
        unknown = set(manifest["tables"]) - {t.name for t in tables()}
        if unknown:
            raise BackupError(f"the archive has tables this installation lacks: {', '.join(sorted(unknown))}")
        with db.engine.connect() as connection, connection.begin():
            _check_target(connection, manifest)  # before writing anything
        written: list[str] = []
        try:
            _write_objects(archive, manifest, storage, written, progress)
            declare_writing()  # SQLite: take the write lock before the emptiness check
            with db.engine.connect() as connection, connection.begin():
                _check_target(connection, manifest)
                _insert_rows(archive, manifest, connection, progress)
                if connection.dialect.name == "postgresql":
                    _reset_sequences(connection)
            # Leaving the block above committed every row at once; until then nothing of it was visible.
        except BaseException as error:
            _remove(storage, written)
            if isinstance(error, BackupError | KeyboardInterrupt | SystemExit):
                raise
            raise BackupError(f"restore failed and was undone (no rows kept, the {len(written)} objects it wrote "
                              f"removed): {cause(error)}") from error
    return manifest


def _check_target(connection, manifest: dict) -> None:
    current = revision(connection)
    if current != manifest["alembic_revision"]:
        raise BackupError(f"the database is at revision {current}, the archive at {manifest['alembic_revision']}: "
                          "run `flask db upgrade` to that revision first")
    for table in tables():
        if connection.execute(select(func.count()).select_from(table)).scalar():
            raise BackupError(f"restore needs an empty installation, but {table.name} has rows")


class _Reading(HashingReader):
    """Hashes and counts what storage reads from the archive, and reports it."""

    def __init__(self, stream, advance):
        super().__init__(stream)
        self.advance = advance

    def read(self, n: int = -1) -> bytes:
        data = super().read(n)
        self.advance(len(data))
        return data


def _write_objects(archive, manifest: dict, storage: Storage, written: list[str], progress: Progress) -> None:
    """Write and check every object; ``written`` lists those this restore put there (to remove on failure)."""
    with progress.step("Objects", sum(o["size"] for o in manifest["objects"])) as advance:
        for obj in manifest["objects"]:
            key = obj["key"]
            if storage.exists(key) and storage.sha256(key) == obj["sha256"]:
                advance(obj["size"])  # left by an interrupted restore: already right
                continue
            written.append(key)
            with archive.open(object_entry(key)) as source:
                reading = _Reading(source, advance)
                storage.save(key, reading)
            if reading.size != obj["size"] or reading.sha256 != obj["sha256"]:
                raise ArchiveDamaged(f"{object_entry(key)}: checksum or size differs from the manifest")
            if storage.sha256(key) != obj["sha256"]:
                raise BackupError(f"object {key} does not match its checksum after restoring")


def _insert_rows(archive, manifest: dict, connection, progress: Progress) -> None:
    with progress.step("Rows", sum(t["rows"] for t in manifest["tables"].values())) as advance:
        for table in tables():
            facts = manifest["tables"].get(table.name)
            if facts is None:
                continue
            decoders = {c.name: decoder(c) for c in table.columns}
            # Rows that point at rows of the same table (merged accounts) get that link after all are in.
            self_refs = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
            deferred: list[tuple[dict, dict]] = []
            batch: list[dict] = []
            digest, rows = hashlib.sha256(), 0
            with archive.open(table_entry(table.name)) as source:
                for line in source:
                    digest.update(line)
                    rows += 1
                    row = {k: decoders[k](v) for k, v in json.loads(line).items() if k in decoders}
                    links = {k: row[k] for k in self_refs if row.get(k) is not None}
                    if links:
                        deferred.append(({c.name: row[c.name] for c in table.primary_key.columns}, links))
                        row.update(dict.fromkeys(links))
                    batch.append(row)
                    if len(batch) >= BATCH:
                        connection.execute(table.insert(), batch)
                        advance(len(batch))
                        batch = []
            if digest.hexdigest() != facts["sha256"] or rows != facts["rows"]:
                raise ArchiveDamaged(f"{table_entry(table.name)}: checksum or row count differs from the manifest")
            if batch:
                connection.execute(table.insert(), batch)
                advance(len(batch))
            for key, links in deferred:
                connection.execute(table.update().where(*[table.c[k] == v for k, v in key.items()]).values(**links))


def _reset_sequences(connection) -> None:
    """Rows came with their ids: move each serial column's sequence past the largest one."""
    for table in tables():
        columns = list(table.primary_key.columns)
        if len(columns) == 1 and isinstance(columns[0].type, Integer):
            column = columns[0]
            sequence = connection.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                          {"t": table.name, "c": column.name}).scalar()
            if sequence:
                # Names come from our own metadata, never from input.
                connection.execute(text(f"SELECT setval('{sequence}', COALESCE((SELECT MAX(\"{column.name}\") "  # noqa: S608
                                        f"FROM \"{table.name}\"), 0) + 1, false)"))


def _remove(storage: Storage, keys: list[str]) -> None:
    for key in keys:
        try:
            storage.delete(key)
        except Exception:
            # Unreferenced (no row was kept): `flask storage check/purge` finds it.
            log.warning("restore: could not remove object %s after the failure", key, exc_info=True)
