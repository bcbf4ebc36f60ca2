"""Browser uploads of large materials, the same protocol for both storage backends.

1. ``start_upload`` checks the policy, the declared name/size/type, creates a multipart upload and a
   ``PendingUpload`` row, and returns a signed upload token.
2. For each part the browser asks ``part_target`` for a URL: a short-lived presigned S3 URL (the bytes go
   straight to the bucket) or an app URL carrying the token (local storage: the app streams the part to disk).
3. ``complete_upload`` joins the parts, then verifies what actually arrived — the real size against the limit
   and the first bytes against the allow-list and the declared name — and only then records the Material.
   Anything that fails verification is deleted (and its pending row with it: the route keeps that refusal);
   the joined object of an accepted upload is deleted again if the transaction recording its row does not commit.
4. ``abort_upload`` (the browser gives up) and ``cleanup_abandoned_uploads`` (nobody came back) remove parts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from typing import BinaryIO

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import User
from app.catalogue.filetypes import ALLOWED_EXTENSIONS, SNIFF_BYTES, detect, extension_of
from app.catalogue.models import Lesson, Material, MaterialStatus, PendingUpload
from app.catalogue.policies import can_manage_lesson
from app.core.audit import record_event
from app.core.db import utcnow
from app.core.errors import DomainError
from app.core.files import clean_filename
from app.core.tokens import TokenExpired, TokenInvalid, load_token, make_token
from app.core.uow import delete_unless_committed
from app.extensions import db
from app.storage import generate_key, get_storage
from app.storage.base import MAX_PARTS, MIN_PART_SIZE, ObjectTooLarge, UploadNotFound

UPLOAD_PURPOSE = "material-upload"
#: Tokens outlive the longest reasonable upload (3 GB over a slow line) but not much more.
UPLOAD_TOKEN_MAX_AGE = 24 * 3600
DEFAULT_PART_SIZE = 16 * 1024 * 1024


def part_size_for(size: int) -> int:
    # Big enough to stay under S3's 10,000-part limit, never below its 5 MiB minimum.
    return max(DEFAULT_PART_SIZE, MIN_PART_SIZE, math.ceil(size / (MAX_PARTS - 1)))


def upload_token(pending: PendingUpload) -> str:
    return make_token(UPLOAD_PURPOSE, {"upload": pending.id, "user": pending.user_id})


def load_pending_upload(token: str, actor: User) -> PendingUpload:
    """The upload a token names, for the person it was issued to; DomainError when expired or tampered."""
    try:
        payload = load_token(UPLOAD_PURPOSE, token, UPLOAD_TOKEN_MAX_AGE)
    except TokenExpired:
        raise DomainError(_l("This upload has expired. Please start the upload again.")) from None
    except TokenInvalid:
        raise DomainError(_l("This upload link is not valid.")) from None
    pending = db.session.get(PendingUpload, payload.get("upload") if isinstance(payload, dict) else None)
    if pending is None or payload.get("user") != actor.id:
        raise DomainError(_l("This upload does not exist any more. Please start it again."))
    return pending


@dataclass
class StartedUpload:
    pending: PendingUpload
    token: str
    part_count: int


def start_upload(actor: User, lesson: Lesson, filename: str, size: int, content_type: str | None,
                 title: dict[str, str], duration_seconds: float | None = None) -> StartedUpload:
    """Check what the browser says it will send, then open a multipart upload for it."""
    if not can_manage_lesson(actor, lesson):
        raise DomainError(_l("You may only add materials to courses you teach."))
    name = clean_filename(filename)
    if not name or extension_of(name) not in ALLOWED_EXTENSIONS:
        raise DomainError(_l("This type of file is not accepted. Allowed: %(types)s.",
                             types=", ".join(sorted(ALLOWED_EXTENSIONS))), field="file")
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    if size <= 0:
        raise DomainError(_l("The file is empty."), field="file")
    if size > limit:
        raise DomainError(_l("The file is too large: at most %(mb)s MB are allowed.", mb=limit // 2**20),
                          field="file")
    storage = get_storage()
    key = generate_key("materials")
    upload_id = storage.create_multipart_upload(key, content_type)
    pending = PendingUpload(lesson=lesson, user_id=actor.id, storage_backend=storage.name, storage_key=key,
                            upload_id=upload_id, original_filename=name, declared_size=size,
                            declared_type=content_type, part_size=part_size_for(size),
                            title={k: v.strip() for k, v in title.items() if v and v.strip()} or {"en": name},
                            duration_seconds=duration_seconds or None)
    db.session.add(pending)
    db.session.flush()
    return StartedUpload(pending, upload_token(pending), math.ceil(size / pending.part_size))


def part_count(pending: PendingUpload) -> int:
    return math.ceil(pending.declared_size / pending.part_size)


def announced_part_size(pending: PendingUpload, part_number: int) -> int:
    """The exact size of part ``part_number`` of the announced file (the last part holds the rest); DomainError
    for a part number the announcement does not have."""
    count = part_count(pending)
    if not 1 <= part_number <= min(count, MAX_PARTS):
        raise DomainError(_l("Invalid part number."))
    return pending.part_size if part_number < count else pending.declared_size - pending.part_size * (count - 1)


def part_target(pending: PendingUpload, token: str, part_number: int) -> str:
    """Where the browser sends part ``part_number``: the bucket (presigned, for exactly the announced size of that
    part) or this app."""
    size = announced_part_size(pending, part_number)
    storage = get_storage()
    if storage.supports_presigned_urls:
        return storage.presigned_part_url(pending.storage_key, pending.upload_id, part_number,
                                          expires=current_app.config["S3_PRESIGN_EXPIRES"], content_length=size)
    return url_for("catalogue.upload_part", token=token, number=part_number)


def receive_part(pending: PendingUpload, part_number: int, stream: BinaryIO) -> str:
    """Local storage: stream one part from the request body to disk (never more than its announced size)."""
    size = announced_part_size(pending, part_number)
    try:
        return get_storage().upload_part(pending.storage_key, pending.upload_id, part_number, stream,
                                         max_bytes=size)
    except ObjectTooLarge:
        raise DomainError(_l("A part of the upload is larger than announced.")) from None
    except UploadNotFound:
        raise DomainError(_l("This upload does not exist any more. Please start it again.")) from None


def _discard(pending: PendingUpload, object_too: bool) -> None:
    storage = get_storage()
    storage.abort_multipart_upload(pending.storage_key, pending.upload_id)
    if object_too:
        storage.delete(pending.storage_key)
    db.session.delete(pending)
    db.session.flush()


def complete_upload(actor: User, pending: PendingUpload, parts: list[tuple[int, str]]) -> Material:
    """Join the parts, verify size and content, and record the material; reject (and delete) otherwise."""
    storage = get_storage()
    if sorted(number for number, _etag in parts) != list(range(1, part_count(pending) + 1)):
        _discard(pending, object_too=False)
        raise DomainError(_l("The upload was incomplete or interrupted. Please upload the file again."))
    try:
        stored = storage.complete_multipart_upload(pending.storage_key, pending.upload_id, parts)
    except (ValueError, UploadNotFound):
        _discard(pending, object_too=True)
        raise DomainError(_l("The upload was incomplete or interrupted. Please upload the file again.")) from None
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    if stored.size > limit:
        # The browser may have lied about the size: what counts is what arrived.
        _discard(pending, object_too=True)
        raise DomainError(_l("The file is too large: at most %(mb)s MB are allowed.", mb=limit // 2**20))
    if stored.size != pending.declared_size:
        _discard(pending, object_too=True)
        raise DomainError(_l("The upload was incomplete or interrupted. Please upload the file again."))
    detected = detect(storage.read_range(pending.storage_key, 0, SNIFF_BYTES - 1), pending.original_filename)
    if detected is None:
        _discard(pending, object_too=True)
        raise DomainError(_l("The content of the file does not match its type (%(name)s). It was not saved.",
                             name=pending.original_filename))
    sha256 = stored.sha256 or storage.sha256(pending.storage_key)
    lesson = pending.lesson
    material = Material(lesson=lesson, kind=detected.kind, status=MaterialStatus.READY, title=pending.title,
                        position=max((m.position for m in lesson.materials), default=-1) + 1,
                        duration_seconds=pending.duration_seconds)
    material.point_to(pending.storage_key, stored.size, detected.content_type, sha256, pending.original_filename,
                      actor)
    delete_unless_committed(pending.storage_key, storage)  # no object stays behind if the row is not saved
    db.session.add(material)
    db.session.delete(pending)
    db.session.flush()
    record_event("catalogue.material_uploaded", actor=actor, obj=material,
                 after={"lesson": lesson.id, "size": stored.size, "sha256": sha256, "kind": detected.kind})
    return material


def abort_upload(pending: PendingUpload) -> None:
    _discard(pending, object_too=False)


def cleanup_abandoned_uploads(older_than: timedelta) -> int:
    """Abort uploads nobody finished: pending rows older than ``older_than`` and stray multipart uploads."""
    cutoff = utcnow() - older_than
    count = 0
    for pending in db.session.scalars(select(PendingUpload).where(PendingUpload.created_at < cutoff)):
        _discard(pending, object_too=False)
        count += 1
    known = set(db.session.scalars(select(PendingUpload.upload_id)))
    storage = get_storage()
    for key, upload_id, initiated in storage.list_multipart_uploads():
        if upload_id not in known and initiated < cutoff:
            storage.abort_multipart_upload(key, upload_id)
            count += 1
    return count
