"""Housekeeping of material objects."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import select

from app.catalogue.models import Material, PendingUpload
from app.core.audit import record_event
from app.core.db import utcnow
from app.extensions import db
from app.storage import get_storage


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
