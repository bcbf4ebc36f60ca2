"""Asking for a generated file, building it in a worker, and deleting it when it expires.

    @builder("training.evidence_pack", "application/zip", may_build=lambda user, params: ...)
    def build_pack(params: dict, asker: User, out: BinaryIO, progress: Progress) -> None: ...   # writes ``out``

    row = ask_for_file(current_user, "training.evidence_pack", {"meeting": 7}, "evidence-meeting-7.zip")
    return redirect(url_for("downloads.show", file_id=row.id), 303)

The request only writes the row and the job (one transaction). The worker builds the file into a temporary file
while holding no write lock (SQLite lets the web requests write meanwhile), reports its progress, stores the
object, and marks the row ready (with the notification) in one transaction; if that does not commit, the object
is deleted. A builder that fails is retried (``BUILD_ATTEMPTS`` in all), then the file is marked failed and the
page says so. The asker's permission is checked again when the file is built: a trainer who no longer teaches the
course gets a failed file, not the data.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, BinaryIO

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import delete, or_, select, update

from app.accounts.models import User
from app.core.audit import record_event
from app.core.db import reading_only, utcnow
from app.core.i18n import force_timezone, zone_of
from app.core.uow import after_commit, delete_after_commit, delete_unless_committed
from app.core.urls import path_for
from app.downloads.models import GeneratedFile, GeneratedStatus
from app.extensions import db
from app.jobs.outbox import enqueue, handler
from app.jobs.schedule import every
from app.notifications.services import as_param, notify
from app.storage import generate_key, get_storage

log = logging.getLogger(__name__)
#: A build that fails is tried this many times in all (a storage outage passes), then the file is FAILED.
BUILD_ATTEMPTS = 3
OPEN = (GeneratedStatus.QUEUED, GeneratedStatus.WORKING)


class Progress:
    """What a builder calls as it goes (``progress(40)``, or ``progress.over(items, 10, 90)``); written at most about
    once a second, in its own short transaction, so the page that polls sees it."""

    def __init__(self, file_id: int):
        self.file_id, self.shown, self.written_at = file_id, 0, 0.0

    def __call__(self, percent: float) -> None:
        percent = max(0, min(99, int(percent)))  # 100 is written with the file
        if percent <= self.shown or time.monotonic() - self.written_at < 1.0:
            return
        self.shown, self.written_at = percent, time.monotonic()
        db.session.commit()  # ends the builder's read transaction: the update below is the next one's first
        db.session.execute(update(GeneratedFile).where(GeneratedFile.id == self.file_id).values(progress=percent))
        db.session.commit()

    def over(self, items: Iterable, start: float, end: float, total: int | None = None) -> Iterator:
        """``items`` passed through, reporting progress from ``start`` to ``end`` (``items`` must be a list, or
        ``total`` given: it must not stream from the database, whose cursor a progress commit would close)."""
        count = total if total is not None else len(items)  # type: ignore[arg-type]
        for number, item in enumerate(items, 1):
            yield item
            self(start + (end - start) * number / max(count, 1))


@dataclass(frozen=True)
class Builder:
    kind: str
    content_type: str
    build: Callable[[dict, User, BinaryIO, Progress], None]
    #: Asked again when the file is built: may ``user`` (still) have this file?
    may_build: Callable[[User, dict], bool]


BUILDERS: dict[str, Builder] = {}


def builder(kind: str, content_type: str, *, may_build: Callable[[User, dict], bool]) -> Callable:
    """Register the function that writes ``kind`` files into the binary file it is given."""

    def register(function: Callable[[dict, User, BinaryIO, Progress], None]):
        BUILDERS[kind] = Builder(kind, content_type, function, may_build)
        return function

    return register


def keep_days() -> int:
    return int(current_app.config["GENERATED_FILES_DAYS"])


def ask_for_file(actor: User, kind: str, params: dict, filename: str) -> GeneratedFile:
    """Ask a worker for a ``kind`` file (the same request while one is still being made gets that one)."""
    spec = BUILDERS[kind]
    for row in db.session.scalars(select(GeneratedFile).where(
            GeneratedFile.uploaded_by_id == actor.id, GeneratedFile.kind == kind, GeneratedFile.status.in_(OPEN))):
        if row.params == params:
            return row
    row = GeneratedFile(kind=kind, params=params, status=GeneratedStatus.QUEUED, progress=0,
                        original_filename=filename, content_type=spec.content_type, uploaded_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    enqueue("downloads.build", {"file": row.id, "link": path_for("downloads.show", file_id=row.id)})
    return row


class NotBuildable(Exception):
    """The file cannot be built and trying again will not help (its meeting was deleted, say)."""


@handler("downloads.build", attempts=BUILD_ATTEMPTS + 1)
def build_file(payload: dict) -> None:
    """Build the asked-for file, store it, and offer it (or mark it failed after its last attempt)."""
    row = db.session.get(GeneratedFile, payload["file"])
    if row is None or row.status not in OPEN:
        return  # expired or erased meanwhile, or already done by an earlier delivery
    spec = BUILDERS.get(row.kind)
    asker = db.session.get(User, row.uploaded_by_id)
    if spec is None or asker is None or not asker.is_active or not spec.may_build(asker, dict(row.params)):
        _fail(row, "not allowed")
        return
    row.status, row.started_at, row.progress = GeneratedStatus.WORKING, utcnow(), 0
    row.attempts += 1
    attempt, file_id, asker_id, language, zone = row.attempts, row.id, asker.id, asker.language, zone_of(asker)
    # Built in a temporary file (on disk past 16 MB), then stored in one stream.
    with tempfile.SpooledTemporaryFile(max_size=16 * 2**20) as out:
        try:
            with reading_only(), force_locale(language), force_timezone(zone):  # the asker's language and clock
                spec.build(dict(row.params), db.session.get(User, asker_id), out, Progress(file_id))
            out.seek(0)
            stored = get_storage().save(generate_key("generated"), out, spec.content_type)
        except Exception as error:
            db.session.rollback()
            if attempt < BUILD_ATTEMPTS and not isinstance(error, NotBuildable):
                raise  # the outbox tries again later
            log.exception("generated file %s (%s) failed for good", file_id, spec.kind)
            row = db.session.get(GeneratedFile, file_id)
            if row is not None:
                _fail(row, "error")
            return
    delete_unless_committed(stored.key)  # no object stays behind if the row below is not saved
    row = db.session.get(GeneratedFile, file_id)
    if row is None or row.status != GeneratedStatus.WORKING:
        delete_after_commit(stored.key)  # erased or expired while it was built: nothing is offered
        return
    now = utcnow()
    row.point_to(stored.key, stored.size, spec.content_type, stored.sha256, row.original_filename, asker_id)
    row.status, row.progress, row.finished_at = GeneratedStatus.READY, 100, now
    row.expires_at = now + timedelta(days=keep_days())
    notify([db.session.get(User, asker_id)], "export.ready",
           {"name": row.original_filename, "expires_at": as_param(row.expires_at)},
           link=payload.get("link"), key=f"export.ready:{row.id}")


def _fail(row: GeneratedFile, why: str) -> None:
    now = utcnow()
    row.status, row.finished_at = GeneratedStatus.FAILED, now
    row.expires_at = now + timedelta(days=keep_days())
    log.warning("generated file %s (%s) not built: %s", row.id, row.kind, why)


def remove_expired(now=None) -> int:
    """Delete the files past their expiry (and requests that never finished), rows now and objects after the
    commit; recorded in the audit trail."""
    now = now or utcnow()
    stale = now - timedelta(days=keep_days() + 1)
    rows = list(db.session.scalars(select(GeneratedFile).where(or_(
        GeneratedFile.expires_at < now, GeneratedFile.created_at < stale))))
    keys = [row.storage_key for row in rows if row.storage_key]
    for row in rows:
        db.session.delete(row)
    db.session.flush()
    if rows:
        storage = get_storage()
        after_commit(lambda: [_delete_quietly(storage, key) for key in keys])
        record_event("downloads.expired_removed", object_type="generated_files",
                     after={"files": len(rows), "objects": len(keys), "kept_days": keep_days()})
    return len(rows)


def discard_all_files() -> int:
    """Every generated file goes (an erasure: exports may name the erased person); objects after the commit."""
    keys = [key for key in db.session.scalars(select(GeneratedFile.storage_key).where(
        GeneratedFile.storage_key.is_not(None)))]
    count = db.session.execute(delete(GeneratedFile)).rowcount or 0
    if keys:
        storage = get_storage()
        after_commit(lambda: [_delete_quietly(storage, key) for key in keys])
    return count


def _delete_quietly(storage: Any, key: str) -> None:
    try:
        storage.delete(key)
    except Exception:  # an orphan is found by `flask storage check` and removed by `flask storage purge`
        log.exception("could not delete generated file %s", key)


def generated_references() -> Iterable[tuple[str, str]]:
    for file_id, key in db.session.execute(select(GeneratedFile.id, GeneratedFile.storage_key).where(
            GeneratedFile.storage_key.is_not(None))):
        yield key, f"generated file #{file_id}"


@handler("downloads.remove_expired", attempts=3)
def _remove_expired(payload: dict) -> None:
    remove_expired()


every("downloads.remove_expired", "downloads.remove_expired", hour=2, minute=40)
