"""Reading an archive: open it (decrypting it when it is sealed), authenticate its manifest, check its entries."""

from __future__ import annotations

import hashlib
import hmac
import json
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app

from app.backup.common import CHUNK, FORMAT, VERSION, ArchiveDamaged, BackupError
from app.backup.keys import BackupKeys, backup_keys
from app.backup.sealed import MAGIC, UnsealingReader
from app.core.progress import SILENT, Progress

MANIFEST = "manifest.json"
SIGNATURE = "manifest.hmac"
#: What zipfile raises on a file that is not (or no longer) a ZIP.
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError)


def table_entry(table: str) -> str:
    return f"tables/{table}.jsonl"


def object_entry(key: str) -> str:
    return f"objects/{key}"


def sign(manifest: bytes, keys: BackupKeys) -> bytes:
    """``manifest.hmac``: the HMAC of the manifest's exact bytes, with the id and the source of the key."""
    return json.dumps({"algorithm": "HMAC-SHA256", "key_id": keys.key_id, "key": keys.mac_source,
                       "hmac": hmac.new(keys.mac, manifest, hashlib.sha256).hexdigest()}, indent=2).encode()


@dataclass
class Opened:
    archive: zipfile.ZipFile
    #: The authenticated manifest.
    manifest: dict
    sealed: UnsealingReader | None = None


@contextmanager
def open_archive(path: Path, keys: BackupKeys) -> Iterator[Opened]:
    """The archive with its authenticated manifest; raises ArchiveDamaged or BackupError (keys)."""
    try:
        raw = open(path, "rb")  # noqa: SIM115  (closed by the with below, also when decryption fails)
    except OSError as error:
        raise BackupError(f"cannot open {path}: {error.strerror or error}") from None
    with raw:
        sealed = UnsealingReader(raw, keys) if raw.read(len(MAGIC)) == MAGIC else None
        try:
            archive = zipfile.ZipFile(sealed or raw)
        except _ZIP_ERRORS:
            raise ArchiveDamaged(f"{path} is not a complete archive (cut short, or not an MCC backup)") from None
        with archive:
            yield Opened(archive, authenticated_manifest(archive, keys), sealed)


def authenticated_manifest(archive: zipfile.ZipFile, keys: BackupKeys) -> dict:
    """The manifest, once its HMAC proves it is the one ``create`` wrote with this key."""
    try:
        raw = archive.read(MANIFEST)
        signature = json.loads(archive.read(SIGNATURE))
    except KeyError:
        raise ArchiveDamaged(f"{MANIFEST} or {SIGNATURE} is missing: not an MCC backup of version {VERSION} "
                             "(archives of version 1 were not signed and cannot be trusted)") from None
    except _ZIP_ERRORS:
        raise ArchiveDamaged(f"{MANIFEST} or {SIGNATURE} is unreadable") from None
    if not isinstance(signature, dict):
        raise ArchiveDamaged(f"{SIGNATURE} is not a signature")
    expected = hmac.new(keys.mac, raw, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(str(signature.get("hmac", "")), expected):
        if signature.get("key_id") != keys.key_id:
            raise BackupError(
                f"the manifest is signed with another key (id {signature.get('key_id')}, from "
                f"{signature.get('key')}) than this installation's {keys.mac_source} (id {keys.key_id}), or it was "
                "altered: set MCC_BACKUP_KEY to the key the archive was made with.")
        raise ArchiveDamaged(f"{MANIFEST} does not match its signature: the manifest was altered (and with it, "
                             "maybe, the rows or objects it vouches for)")
    manifest = json.loads(raw)
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise ArchiveDamaged(f"unsupported archive: {manifest.get('format')} version {manifest.get('version')}")
    return manifest


def entry_problems(archive: zipfile.ZipFile, manifest: dict) -> list[str]:
    """Entries the manifest names but the archive lacks, and entries it has that the manifest does not name."""
    names = archive.namelist()
    expected = {MANIFEST, SIGNATURE} | {table_entry(t) for t in manifest["tables"]} | {
        object_entry(o["key"]) for o in manifest["objects"]}
    problems = [f"{name}: missing" for name in sorted(expected - set(names))]
    problems += [f"{name}: not in the manifest" for name in sorted(set(names) - expected)]
    if len(names) != len(set(names)):
        problems.append("some entries appear twice")
    return problems


def digest_of(archive: zipfile.ZipFile, name: str, advance: Callable[[int], None]) -> tuple[str, int, int]:
    """SHA-256, size and line count of an entry."""
    digest, size, lines = hashlib.sha256(), 0, 0
    with archive.open(name) as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            lines += chunk.count(b"\n")
            advance(len(chunk))
    return digest.hexdigest(), size, lines


@dataclass
class Verification:
    problems: list[str]
    manifest: dict = field(default_factory=dict)
    encrypted: bool = False


def verify_archive(path: Path, keys: BackupKeys | None = None, *, progress: Progress = SILENT) -> Verification:
    """Check every byte of an archive against its signed manifest (restores nothing)."""
    keys = keys or backup_keys(current_app.config)
    try:
        with open_archive(path, keys) as opened:
            return Verification(_content_problems(opened, progress), opened.manifest, opened.sealed is not None)
    except ArchiveDamaged as error:
        return Verification([error.message])


def verify_backup(path: Path, keys: BackupKeys | None = None, *, progress: Progress = SILENT) -> list[str]:
    """Problems found in the archive (empty when it is sound)."""
    return verify_archive(path, keys, progress=progress).problems


def _content_problems(opened: Opened, progress: Progress) -> list[str]:
    archive, manifest = opened.archive, opened.manifest
    problems = entry_problems(archive, manifest)
    names = set(archive.namelist())
    checks = [(table_entry(t), facts["sha256"], None, facts["rows"]) for t, facts in manifest["tables"].items()]
    checks += [(object_entry(o["key"]), o["sha256"], o["size"], None) for o in manifest["objects"]]
    checks = [check for check in checks if check[0] in names]
    with progress.step("Verifying", sum(archive.getinfo(c[0]).file_size for c in checks)) as advance:
        for name, sha256, size, rows in checks:
            try:
                facts = digest_of(archive, name, advance)
            except _ZIP_ERRORS as error:
                problems.append(f"{name}: unreadable ({error})")
                continue
            if facts[0] != sha256 or (size is not None and facts[1] != size) or (rows is not None and facts[2] != rows):
                what = "size" if size is not None else "row count"
                problems.append(f"{name}: checksum or {what} differs from the manifest")
    if opened.sealed:
        with progress.step("Authenticating", opened.sealed.segments) as advance:
            opened.sealed.authenticate_rest(advance)
    return problems
