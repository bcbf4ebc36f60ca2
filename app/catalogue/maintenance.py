"""Housekeeping of material objects, run by the workers on a schedule (and by hand: ``flask jobs run <name>``):

- ``storage.cleanup_uploads`` (daily): uploads nobody came back to for ``MCC_UPLOAD_ABANDONED_AFTER_HOURS``
  (default 72: a day offline still resumes) are aborted; the privacy notice states the same period;
- ``storage.purge_materials`` (daily): the objects of materials deleted more than 30 days ago are removed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import select

from app.catalogue.models import Material, PendingUpload
from app.catalogue.processing import delete_media
from app.catalogue.uploads import abandoned_after, cleanup_abandoned_uploads
from app.core.audit import record_event
from app.core.db import utcnow
from app.extensions import db
from app.jobs.outbox import handler
from app.jobs.schedule import every
from app.storage import get_storage

#: Deleted materials stay restorable this long; then their objects are removed.
PURGE_AFTER = timedelta(days=30)


def purge_deleted_materials(older_than: timedelta) -> int:
    """Delete the objects of materials soft-deleted before the cutoff; each purge is committed with its audit entry
    before the object goes, so a crash leaves at worst an orphan object (found by ``storage check``), never a row
    pointing to nothing."""
    cutoff = utcnow() - older_than
    storage = get_storage()
    count = 0
    ids = list(db.session.scalars(select(Material.id).where(
        Material.deleted_at.is_not(None), Material.deleted_at < cutoff, Material.purged_at.is_(None),
        Material.storage_key.is_not(None))))
    for material_id in ids:
        material = db.session.get(Material, material_id)
        key = material.storage_key
        material.purged_at = utcnow()
        record_event("catalogue.material_purged", obj=material, before={"storage_key": key})
        db.session.commit()
        storage.delete(key)
        delete_media(storage, key)  # a video's renditions, HLS ladder and pictures go with it
        count += 1
    return count


def material_references() -> Iterable[tuple[str, str]]:
    rows = db.session.execute(select(Material.id, Material.storage_key).where(
        Material.storage_key.is_not(None), Material.purged_at.is_(None)))
    for material_id, key in rows:
        yield key, f"material #{material_id}"


def pending_upload_references() -> Iterable[tuple[str, str]]:
    # A finished-but-unrecorded upload is not an orphan while its pending row exists.
    for upload_id, key in db.session.execute(select(PendingUpload.id, PendingUpload.storage_key)):
        yield key, f"pending upload #{upload_id}"


@handler("catalogue.cleanup_uploads", attempts=3)
def _cleanup_uploads(payload: dict) -> None:
    hours = payload.get("hours")
    count = cleanup_abandoned_uploads(timedelta(hours=hours) if hours is not None else abandoned_after())
    if count:
        record_event("catalogue.uploads_abandoned", object_type="pending_uploads", after={"aborted": count})


@handler("catalogue.purge_materials", attempts=3)
def _purge_materials(payload: dict) -> None:
    purge_deleted_materials(timedelta(days=payload.get("days", PURGE_AFTER.days)))


every("storage.cleanup_uploads", "catalogue.cleanup_uploads", hour=3, minute=10)
every("storage.purge_materials", "catalogue.purge_materials", hour=3, minute=25)
