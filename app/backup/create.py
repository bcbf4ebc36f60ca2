"""``backup create``: every table read in one snapshot, every referenced object, a signed manifest; written to a
temporary name beside the target and renamed onto it only when complete (a failure leaves no file there)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from app.backup.archive import MANIFEST, SIGNATURE, object_entry, sign, table_entry
from app.backup.common import CHUNK, FORMAT, VERSION, BackupError, cause, encode, revision, tables
from app.backup.keys import BackupKeys, backup_keys
from app.backup.sealed import SealingWriter
from app.core.progress import SILENT, Progress
from app.extensions import db
from app.storage import Storage, get_storage
from app.storage.base import ObjectNotFound


def create_backup(path: Path, keys: BackupKeys | None = None, *, encrypt: bool = False, allow_missing: bool = False,
                  storage: Storage | None = None, progress: Progress = SILENT) -> dict:
    """Write an archive of the database and its objects to ``path``; returns the manifest.

    Objects that rows point to but storage lacks are all named and the backup refused, unless ``allow_missing``
    (then the manifest lists them under ``missing`` and ``restore`` reports them)."""
    keys = keys or backup_keys(current_app.config)
    storage = storage or get_storage()
    path = Path(path)
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")
    try:
        # Only the owner may read it: the archive holds password hashes and personal data.
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as error:
        raise BackupError(f"cannot write beside {path}: {error.strerror or error}") from None
    try:
        with os.fdopen(descriptor, "wb") as raw:
            out = SealingWriter(raw, keys) if encrypt else raw
            manifest = _write(out, keys, storage, allow_missing, progress)
            if isinstance(out, SealingWriter):
                out.close()
            raw.flush()
            os.fsync(raw.fileno())
        if manifest["missing"] and not allow_missing:
            listed = "\n  ".join(f"{m['key']} (in {', '.join(m['referenced_by'])})" for m in manifest["missing"])
            raise BackupError(f"{len(manifest['missing'])} stored object(s) that rows point to are missing, so no "
                              f"backup was written to {path}:\n  {listed}\nRestore them, or run again with "
                              "--allow-missing to record them as missing.")
        os.replace(partial, path)
    except BackupError:
        partial.unlink(missing_ok=True)
        raise
    except Exception as error:
        partial.unlink(missing_ok=True)
        raise BackupError(f"backup failed, nothing was written to {path}: {cause(error)}") from error
    except BaseException:  # Ctrl-C: leave nothing half-written either
        partial.unlink(missing_ok=True)
        raise
    _sync_directory(path.parent)
    return manifest


def _write(out, keys: BackupKeys, storage: Storage, allow_missing: bool, progress: Progress) -> dict:
    manifest: dict = {"format": FORMAT, "version": VERSION, "created_at": datetime.now(UTC).isoformat(),
                      "database": db.engine.dialect.name, "tables": {}, "objects": [], "missing": []}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        with db.engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                # One snapshot for every table, whatever people change meanwhile.
                connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            with connection.begin():
                manifest["alembic_revision"] = revision(connection)
                total = sum(connection.execute(select(func.count()).select_from(t)).scalar() for t in tables())
                with progress.step("Tables", total) as advance:
                    for table in tables():
                        manifest["tables"][table.name] = _write_table(archive, connection, table, advance)
                references = _references_in(connection)
        with progress.step("Objects", len(references)) as advance:
            for key in sorted(references):
                # Once one is missing the backup is refused: only look for the others, to name them all.
                if manifest["missing"] and not allow_missing:
                    found = storage.exists(key)
                else:
                    found = _copy_object(archive, storage, key, manifest["objects"])
                if not found:
                    manifest["missing"].append({"key": key, "referenced_by": sorted(references[key])})
                advance(1)
        raw = json.dumps(manifest, indent=2).encode()
        archive.writestr(MANIFEST, raw)
        archive.writestr(SIGNATURE, sign(raw, keys))
    return manifest


def _write_table(archive: zipfile.ZipFile, connection, table, advance) -> dict:
    digest, rows = hashlib.sha256(), 0
    with archive.open(table_entry(table.name), "w", force_zip64=True) as out:
        order = list(table.primary_key.columns) or list(table.columns)
        result = connection.execution_options(yield_per=2000).execute(select(table).order_by(*order))
        for row in result.mappings():
            line = (json.dumps({k: encode(v) for k, v in row.items()}, ensure_ascii=False, sort_keys=True)
                    + "\n").encode()
            out.write(line)
            digest.update(line)
            rows += 1
            if rows % 500 == 0:
                advance(500)
    advance(rows % 500)
    return {"rows": rows, "sha256": digest.hexdigest()}


def _copy_object(archive: zipfile.ZipFile, storage: Storage, key: str, objects: list[dict]) -> bool:
    digest, size = hashlib.sha256(), 0
    try:
        source = storage.open(key)
    except ObjectNotFound:
        return False
    # Stored as they are: objects are mostly video, PDF and images, which do not compress.
    entry = zipfile.ZipInfo(object_entry(key), date_time=datetime.now(UTC).timetuple()[:6])
    entry.compress_type = zipfile.ZIP_STORED
    with source, archive.open(entry, "w", force_zip64=True) as out:
        while chunk := source.read(CHUNK):
            out.write(chunk)
            digest.update(chunk)
            size += len(chunk)
    objects.append({"key": key, "size": size, "sha256": digest.hexdigest()})
    return True


def _references_in(connection) -> dict[str, set[str]]:
    """Storage keys referenced by rows (and where), read in the backup's own transaction."""
    keys: dict[str, set[str]] = {}
    for table in tables():
        if "storage_key" in table.columns:
            query = select(table.c.storage_key).where(table.c.storage_key.is_not(None))
            if "purged_at" in table.columns:
                query = query.where(table.c.purged_at.is_(None))
            for key in connection.execute(query).scalars():
                keys.setdefault(key, set()).add(f"{table.name}.storage_key")
    return keys


def _sync_directory(directory: Path) -> None:
    """Make the rename durable (POSIX); where a directory cannot be opened this is a no-op."""
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
