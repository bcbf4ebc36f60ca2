"""`flask backup create|verify|restore`: a portable, verifiable archive of the database and the stored files.

The archive is a ZIP (ZIP64, so it may exceed 4 GB) holding:

- ``manifest.json``: format version, when, the Alembic revision, the source database's dialect, per table the
  row count and the SHA-256 of its data file, and per stored object its key, size and SHA-256;
- ``tables/<name>.jsonl``: one JSON object per row, values in portable form (ISO dates and times with their
  zone, enum values, JSON as JSON) — so an archive of SQLite restores into PostgreSQL and back;
- ``objects/<key>``: the bytes of every object a row points to.

All tables are read in one transaction (REPEATABLE READ on PostgreSQL; one read transaction on SQLite), so the
archive is consistent even while people use the app. ``restore`` wants an empty installation migrated to the
same revision; it inserts rows in foreign-key order, resets PostgreSQL sequences, writes the objects and checks
every object's checksum after writing. ``verify`` checks an archive without restoring it.

For production at scale, PostgreSQL's own dumps (pg_dump / PITR) and S3 bucket versioning with replication are
the primary path; this archive is the portable, self-checking copy (and the way to move between backends).
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import UTC, date, datetime
from enum import Enum
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import Date, DateTime, Integer, func, select, text

from app.extensions import db
from app.storage import get_storage

FORMAT = "mcc-backup"
VERSION = 1
CHUNK = 1 << 20


class BackupError(click.ClickException):
    pass


# -- values in portable form -------------------------------------------------------------------------------------
def _encode(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def _decoder(column):
    kind = column.type
    impl = getattr(kind, "impl", kind)
    if isinstance(impl, DateTime):
        return lambda v: None if v is None else datetime.fromisoformat(v).astimezone(UTC)
    if isinstance(impl, Date):
        return lambda v: None if v is None else date.fromisoformat(v)
    enum_class = getattr(kind, "enum_class", None)
    if enum_class is not None:
        return lambda v: None if v is None else enum_class(v)
    return lambda v: v


def _tables():
    """Tables in foreign-key order (parents first)."""
    return list(db.metadata.sorted_tables)


def _revision(connection) -> str | None:
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


# -- create ----------------------------------------------------------------------------------------------------
def create_backup(path: Path) -> dict:
    manifest: dict = {"format": FORMAT, "version": VERSION, "created_at": datetime.now(UTC).isoformat(),
                      "database": db.engine.dialect.name, "tables": {}, "objects": []}
    storage = get_storage()
    with db.engine.connect() as connection, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED,
                                                             allowZip64=True) as archive:
        if connection.dialect.name == "postgresql":
            # One snapshot for every table, whatever people change meanwhile.
            connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with connection.begin():
            manifest["alembic_revision"] = _revision(connection)
            for table in _tables():
                digest, rows = hashlib.sha256(), 0
                with archive.open(f"tables/{table.name}.jsonl", "w", force_zip64=True) as out:
                    order = list(table.primary_key.columns) or list(table.columns)
                    result = connection.execution_options(yield_per=2000).execute(
                        select(table).order_by(*order))
                    for row in result.mappings():
                        line = (json.dumps({k: _encode(v) for k, v in row.items()}, ensure_ascii=False,
                                           sort_keys=True) + "\n").encode()
                        out.write(line)
                        digest.update(line)
                        rows += 1
                manifest["tables"][table.name] = {"rows": rows, "sha256": digest.hexdigest()}
            keys = _referenced_keys_in(connection)
        for key in keys:
            digest, size = hashlib.sha256(), 0
            with storage.open(key) as source, archive.open(f"objects/{key}", "w", force_zip64=True) as out:
                while chunk := source.read(CHUNK):
                    out.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
            manifest["objects"].append({"key": key, "size": size, "sha256": digest.hexdigest()})
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
    return manifest


def _referenced_keys_in(connection) -> list[str]:
    """Storage keys referenced by rows, read in the backup's own transaction."""
    keys: set[str] = set()
    for table in _tables():
        if "storage_key" in table.columns:
            query = select(table.c.storage_key).where(table.c.storage_key.is_not(None))
            if "purged_at" in table.columns:
                query = query.where(table.c.purged_at.is_(None))
            keys.update(connection.execute(query).scalars())
    return sorted(keys)


# -- verify ----------------------------------------------------------------------------------------------------
def _manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except KeyError:
        raise BackupError("not an MCC backup: manifest.json is missing") from None
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError(f"unsupported archive: {manifest.get('format')} version {manifest.get('version')}")
    return manifest


def _file_digest(archive: zipfile.ZipFile, name: str) -> tuple[str, int, int]:
    digest, size, lines = hashlib.sha256(), 0, 0
    with archive.open(name) as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            lines += chunk.count(b"\n")
    return digest.hexdigest(), size, lines


def verify_backup(path: Path) -> list[str]:
    """Problems found in the archive (empty when it is sound)."""
    problems = []
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, FileNotFoundError) as error:
        return [f"cannot open {path}: {error}"]
    with archive:
        manifest = _manifest(archive)
        names = set(archive.namelist())
        for table, facts in manifest["tables"].items():
            name = f"tables/{table}.jsonl"
            if name not in names:
                problems.append(f"{name}: missing")
                continue
            digest, _, lines = _file_digest(archive, name)
            if digest != facts["sha256"] or lines != facts["rows"]:
                problems.append(f"{name}: checksum or row count differs from the manifest")
        for obj in manifest["objects"]:
            name = f"objects/{obj['key']}"
            if name not in names:
                problems.append(f"{name}: missing")
                continue
            digest, size, _ = _file_digest(archive, name)
            if digest != obj["sha256"] or size != obj["size"]:
                problems.append(f"{name}: checksum or size differs from the manifest")
    return problems


# -- restore ---------------------------------------------------------------------------------------------------
def restore_backup(path: Path) -> dict:
    problems = verify_backup(path)
    if problems:
        raise BackupError("the archive is damaged:\n  " + "\n  ".join(problems))
    storage = get_storage()
    with zipfile.ZipFile(path) as archive:
        manifest = _manifest(archive)
        with db.engine.begin() as connection:
            revision = _revision(connection)
            if revision != manifest["alembic_revision"]:
                raise BackupError(f"the database is at revision {revision}, the archive at "
                                  f"{manifest['alembic_revision']}: run `flask db upgrade` to that revision first")
            for table in _tables():
                if connection.execute(select(func.count()).select_from(table)).scalar():
                    raise BackupError(f"restore needs an empty installation, but {table.name} has rows")
            for table in _tables():
                if table.name not in manifest["tables"]:
                    continue
                decoders = {c.name: _decoder(c) for c in table.columns}
                # Rows that point at rows of the same table (merged accounts) get that link after all are in.
                self_refs = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
                deferred: list[tuple[dict, dict]] = []
                batch: list[dict] = []
                with archive.open(f"tables/{table.name}.jsonl") as source:
                    for raw in io.TextIOWrapper(source, encoding="utf-8"):
                        row = {k: decoders[k](v) for k, v in json.loads(raw).items() if k in decoders}
                        links = {k: row[k] for k in self_refs if row.get(k) is not None}
                        if links:
                            deferred.append(({c.name: row[c.name] for c in table.primary_key.columns}, links))
                            row.update(dict.fromkeys(links))
                        batch.append(row)
                        if len(batch) >= 2000:
                            connection.execute(table.insert(), batch)
                            batch = []
                if batch:
                    connection.execute(table.insert(), batch)
                for key, links in deferred:
                    connection.execute(table.update().where(*[table.c[k] == v for k, v in key.items()])
                                       .values(**links))
            if connection.dialect.name == "postgresql":
                _reset_sequences(connection)
        for obj in manifest["objects"]:
            with archive.open(f"objects/{obj['key']}") as source:
                storage.save(obj["key"], source)
            if storage.sha256(obj["key"]) != obj["sha256"]:
                raise BackupError(f"object {obj['key']} does not match its checksum after restoring")
    return manifest


def _reset_sequences(connection) -> None:
    """Rows came with their ids: move each serial column's sequence past the largest one."""
    for table in _tables():
        columns = list(table.primary_key.columns)
        if len(columns) == 1 and isinstance(columns[0].type, Integer):
            column = columns[0]
            sequence = connection.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                          {"t": table.name, "c": column.name}).scalar()
            if sequence:
                # Names come from our own metadata, never from input.
                connection.execute(text(f"SELECT setval('{sequence}', COALESCE((SELECT MAX(\"{column.name}\") "  # noqa: S608
                                        f"FROM \"{table.name}\"), 0) + 1, false)"))


# -- CLI ---------------------------------------------------------------------------------------------------------
backup_cli = AppGroup("backup", help="Back up, verify and restore the database and the stored files.")


@backup_cli.command("create")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def create_command(path: Path) -> None:
    """Write a backup archive to PATH."""
    manifest = create_backup(path)
    rows = sum(t["rows"] for t in manifest["tables"].values())
    click.echo(f"{path}: {rows} rows in {len(manifest['tables'])} tables, {len(manifest['objects'])} objects")


@backup_cli.command("verify")
@click.argument("path", type=click.Path(dir_okay=False, exists=True, path_type=Path))
def verify_command(path: Path) -> None:
    """Check an archive's data and objects against its manifest (restores nothing)."""
    problems = verify_backup(path)
    if problems:
        raise BackupError("the archive is damaged:\n  " + "\n  ".join(problems))
    click.echo(f"{path}: sound")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, exists=True, path_type=Path))
def restore_command(path: Path) -> None:
    """Restore an archive into this (empty, migrated) installation and verify every object."""
    manifest = restore_backup(path)
    click.echo(f"restored {sum(t['rows'] for t in manifest['tables'].values())} rows and "
               f"{len(manifest['objects'])} objects (all checksums match)")
