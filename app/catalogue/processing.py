"""Videos converted for phones by a worker, after ``verify_upload`` accepted the file.

The job (``catalogue.process_video``) gets the original onto local disk (local storage: the stored file itself;
S3: streamed into a temporary file), probes it, converts it (``app.catalogue.video``) into a temporary folder and
stores every output under ``<material.storage_key>.media/`` (the ``Material.media`` contract: renditions, HLS
ladder, poster, thumbnails). Meanwhile ``Material.media_progress`` is written in short transactions of its own for
the uploader's page; the result is recorded in one transaction at the end, and the uploader is told.

- A new upload that is not a video we can read is refused like ``verify_upload``'s refusals (code ``not_video``):
  the original and every output are deleted. (A video already served, converted on request, is only marked FAILED.)
- Any other failure is retried; after the last attempt the material is READY with ``media_status`` FAILED and
  ``media["error"]``: the original is served as stored, the outputs are deleted and the uploader is told why.
- A retried job writes the same keys again (overwrites); the outbox lease (``LEASE_SECONDS``, renewed with each
  progress write) keeps a second worker from converting the same material meanwhile.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from app.accounts.models import User
from app.catalogue import video
from app.catalogue.models import Material, MaterialKind, MaterialStatus, MediaStatus
from app.catalogue.uploads import failure_message, refuse_material, start_processing
from app.core.audit import record_event
from app.core.db import reading_only
from app.core.i18n import LANGUAGES
from app.extensions import db
from app.jobs.outbox import handler, hold
from app.notifications.services import notify
from app.storage import get_storage
from app.storage.base import CHUNK_SIZE, Storage

log = logging.getLogger(__name__)

#: Conversions tried in all before the material is left as uploaded (a storage outage passes, a bad file does not).
CONVERT_ATTEMPTS = 3
#: How long a worker holds a conversion without a sign of life: each progress write renews it (``outbox.hold``),
#: so a long film is never handed to a second worker, and a dead worker's conversion is taken up within this.
#: It covers the silent start too: fetching a multi-GB original from S3 and probing it.
LEASE_SECONDS = 3600
CONTENT_TYPES = {".mp4": "video/mp4", ".m3u8": "application/vnd.apple.mpegurl", ".ts": "video/mp2t",
                 ".jpg": "image/jpeg"}


def media_prefix(material: Material) -> str:
    return f"{material.storage_key}.media/"


def media_keys(media: dict) -> Iterable[str]:
    """Every storage key a finished conversion wrote (segments are numbered, so counting them is enough)."""
    for rendition in media.get("renditions", []):
        yield rendition["key"]
    hls = media.get("hls") or {}
    if hls.get("master"):
        yield hls["master"]
    for variant in hls.get("variants", []):
        yield variant["playlist"]
        folder = variant["playlist"].rsplit("/", 1)[0]
        for number in range(variant["segments"]):
            yield f"{folder}/segment-{number:04d}.ts"
    if media.get("poster"):
        yield media["poster"]
    for thumbnail in media.get("thumbnails", []):
        yield thumbnail["key"]


def delete_media(storage: Storage, storage_key: str) -> int:
    """Remove every object under a material's media prefix (finished, partial or left by a crashed attempt)."""
    count = 0
    for stored in list(storage.iter_objects(f"{storage_key}.media/")):
        storage.delete(stored.key)
        count += 1
    return count


class _Progress:
    """Writes ``media_progress`` (and renews the job's lease) at most about once a second, each time in a short
    transaction of its own. A write that finds the database busy is skipped: the next one catches up, and the
    conversion never fails for a progress bar."""

    def __init__(self, material_id: int):
        self.material_id, self.shown, self.written_at = material_id, 0, 0.0

    def __call__(self, fraction: float) -> None:
        percent = max(0, min(99, int(fraction * 100)))  # 100 comes with the result
        if percent <= self.shown or time.monotonic() - self.written_at < 1.0:
            return
        self.written_at = time.monotonic()
        try:
            db.session.commit()
            db.session.execute(update(Material).where(Material.id == self.material_id)
                               .values(media_progress=percent))
            hold(LEASE_SECONDS)
            db.session.commit()
        except OperationalError as busy:  # SQLite's write lock held too long by other work, a PostgreSQL timeout
            db.session.rollback()
            log.warning("material %s: progress %s%% not written: %s", self.material_id, percent, busy)
            return
        self.shown = percent


def _local_copy(storage: Storage, key: str, folder: Path) -> Path:
    """The original as a local file: local storage's own, or S3's streamed to disk (never whole in memory)."""
    try:
        return storage.local_path(key)
    except NotImplementedError:
        pass
    path = folder / "original"
    with storage.open(key) as source, path.open("wb") as target:
        shutil.copyfileobj(source, target, CHUNK_SIZE)
    return path


def _store(storage: Storage, conversion: video.Conversion, out_dir: Path, prefix: str, source: video.Probe) -> dict:
    """Store every output under ``prefix``; returns the ``Material.media`` that describes them."""

    def put(path: Path) -> str:
        key = prefix + path.relative_to(out_dir).as_posix()
        with path.open("rb") as stream:
            storage.save(key, stream, CONTENT_TYPES[path.suffix])
        return key

    hls_dir = conversion.master.parent
    renditions, variants = [], []
    for rendition in conversion.renditions:
        folder = hls_dir / rendition.name
        for uri, _seconds, _size in rendition.segments:
            put(folder / uri)
        variants.append({"height": rendition.height, "playlist": put(folder / "index.m3u8"),
                         "segments": len(rendition.segments)})
        renditions.append({"height": rendition.height, "width": rendition.width, "key": put(rendition.path),
                           "size": rendition.path.stat().st_size, "bitrate": rendition.bitrate})
    width, height = conversion.thumbnail_size
    return {"probe": source.as_dict(), "prefix": prefix, "renditions": renditions,
            "hls": {"master": put(conversion.master), "variants": variants},
            "poster": put(conversion.poster),
            "thumbnails": [{"key": put(path), "at": at, "width": width, "height": height}
                           for path, at in conversion.thumbnails]}


def _tell(material: Material, kind: str, params: dict, link: str | None) -> None:
    uploader = db.session.get(User, material.uploaded_by_id) if material.uploaded_by_id else None
    notify([uploader], kind, {"name": material.original_filename, "title": material.title,
                              "lesson": material.lesson.title, **params}, link=link, key=f"{kind}:{material.id}")


@handler("catalogue.process_video", attempts=CONVERT_ATTEMPTS + 1, lease_seconds=LEASE_SECONDS)
def process_video(payload: dict) -> None:
    """Convert a verified video for phones and mark it READY; refuse it if it is not a video we can read; leave the
    original served (media FAILED) when converting keeps failing. The uploader is told either way."""
    material = db.session.get(Material, payload["material"])
    if material is None or material.media_status != MediaStatus.PROCESSING:
        return  # done by an earlier delivery (a material deleted meanwhile is converted all the same: restorable)
    attempt = int(material.media.get("attempts", 0)) + 1
    material.media = {"attempts": attempt}
    # A video already served (stored before conversions existed, imported) is never refused: trainees had it.
    served = material.status == MaterialStatus.READY
    material_id, key, link = material.id, material.storage_key, payload.get("link")
    prefix = media_prefix(material)
    config = current_app.config
    storage = get_storage()
    started = time.monotonic()
    error: Exception | None = None
    media = None
    with tempfile.TemporaryDirectory(prefix="mcc-video-") as temporary:
        folder = Path(temporary)
        try:
            with reading_only():  # a conversion takes minutes: the web requests may write meanwhile
                original = _local_copy(storage, key, folder)
                source = video.probe(original)
                conversion = video.convert(original, folder / "out", config["MEDIA_RENDITION_HEIGHTS"],
                                           preset=config["MEDIA_X264_PRESET"], on_progress=_Progress(material_id),
                                           source=source)
                media = _store(storage, conversion, folder / "out", prefix, source)
        except video.NotAVideo as refused:
            log.info("material %s is not a video we can read: %s", material_id, refused)
            delete_media(storage, key)
            material = db.session.get(Material, material_id)
            if served:
                _give_up(material, "conversion_failed", link)
                return
            material.media_status, material.media_progress = MediaStatus.NONE, 0
            refuse_material(material, "not_video", storage, link)
            return
        except Exception as failure:  # anything else: retried, then the original stays as uploaded
            error = failure
    material = db.session.get(Material, material_id)
    if material is None or material.media_status != MediaStatus.PROCESSING:
        delete_media(storage, key)  # deleted or refused meanwhile
        return
    if error is not None:
        delete_media(storage, key)
        if attempt < CONVERT_ATTEMPTS:
            raise error
        log.error("material %s: converting failed for good: %r", material_id, error)
        _give_up(material, "conversion_failed", link)
        return
    material.media, material.media_status, material.media_progress = media, MediaStatus.READY, 100
    material.status, material.duration_seconds = MaterialStatus.READY, media["probe"]["duration"]
    record_event("catalogue.video_converted", obj=material,
                 after={"renditions": [r["height"] for r in media["renditions"]], "duration": source.duration,
                        "seconds": round(time.monotonic() - started, 1)})
    _tell(material, "upload.processed", {}, link)


def _give_up(material: Material, code: str, link: str | None) -> None:
    """Keep the original as uploaded, visible to trainees, and tell the uploader why it was not converted."""
    material.media, material.media_status, material.media_progress = {"error": code}, MediaStatus.FAILED, 0
    material.status = MaterialStatus.READY
    record_event("catalogue.video_conversion_failed", obj=material, after={"error": code})
    reason = {}
    for language in LANGUAGES:
        with force_locale(language):
            reason[language] = failure_message(code)
    _tell(material, "upload.conversion_failed", {"reason": reason}, link)


def enqueue_unconverted() -> int:
    """Ask for the conversion of every video served as stored: uploaded before conversions existed, or imported."""
    count = 0
    for material in db.session.scalars(select(Material).where(
            Material.kind == MaterialKind.VIDEO, Material.status == MaterialStatus.READY,
            Material.media_status == MediaStatus.NONE, Material.deleted_at.is_(None),
            Material.storage_key.is_not(None))):
        start_processing(material)
        count += 1
    return count


def media_references() -> Iterable[tuple[str, str]]:
    """For ``flask storage check``: the outputs of every live material's conversion."""
    rows = db.session.execute(select(Material.id, Material.media).where(
        Material.media_status == MediaStatus.READY, Material.purged_at.is_(None)))
    for material_id, media in rows:
        for key in media_keys(media or {}):
            yield key, f"material #{material_id} (converted video)"
