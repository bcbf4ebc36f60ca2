"""Browser uploads of large materials, the same protocol for both storage backends.

1. ``start_upload`` checks the policy, the declared name/size/type, creates a multipart upload and a
   ``PendingUpload`` row, and returns a signed upload token. The browser also sends a fingerprint of the file (last
   modified, SHA-256 of its first and last MiB): when the same person announces the same file for the same lesson
   while an earlier upload of it is unfinished (a reload, a crash, a day offline), that upload is resumed — a fresh
   token and the parts storage already holds (``Storage.list_parts``), so the browser sends only the others.
2. For each part the browser asks ``part_target`` for a URL: a short-lived presigned S3 URL (the bytes go
   straight to the bucket) or an app URL carrying the token (local storage: the app streams the part to disk).
3. ``complete_upload`` (the web request) checks that every announced part was sent, records the Material as
   PROCESSING and asks a worker to join and verify it: joining copies the bytes on local storage and takes S3 as
   long as a copy (CompleteMultipartUpload of a 1 GB object: about 10 s on moto, seconds to minutes on S3), so the
   request answers at once whatever the size. The web process never reads the object.
4. The worker (``verify_upload``) joins the parts, checks what actually arrived — the real size against the
   limit and the announcement, the first bytes against the allow-list and the name — computes the SHA-256, and
   marks the material READY; or refuses it: the object is deleted, the row stays REFUSED with the reason (hidden
   from the lesson, shown to its trainers on the lesson's edit page, so the uploader's page can say why), and
   either way the uploader is notified. Until then trainees do not see it and trainers see "processing".
   A video stays PROCESSING after this: a second job converts it for phones (``app.catalogue.processing``).
5. ``abort_upload`` (the trainer cancels) and ``cleanup_abandoned_uploads`` (nobody came back for
   ``UPLOAD_ABANDONED_AFTER_HOURS``, run daily by the scheduler) remove parts. Leaving the page does not: the upload
   waits to be resumed.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from datetime import timedelta
from typing import BinaryIO

from flask import current_app, url_for
from flask_babel import force_locale, lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import User
from app.catalogue import notices  # noqa: F401  (the kinds the verification tells the uploader)
from app.catalogue.filetypes import (
    ALLOWED_EXTENSIONS,
    BINARY,
    SNIFF_BYTES,
    TEXT,
    TEXT_CONTENT_TYPES,
    Detected,
    detect,
    extension_of,
)
from app.catalogue.models import (
    MATERIAL_LANGUAGES,
    Lesson,
    Material,
    MaterialKind,
    MaterialStatus,
    MediaStatus,
    PendingUpload,
)
from app.catalogue.policies import can_manage_lesson
from app.core.audit import record_event
from app.core.db import reading_only, utcnow
from app.core.errors import DomainError
from app.core.files import clean_filename
from app.core.i18n import LANGUAGES
from app.core.tokens import TokenExpired, TokenInvalid, load_token, make_token
from app.core.uow import delete_after_commit, delete_unless_committed
from app.core.urls import path_for
from app.extensions import db
from app.jobs.outbox import enqueue, handler
from app.notifications.services import notify
from app.storage import generate_key, get_storage
from app.storage.base import MAX_PARTS, MIN_PART_SIZE, ObjectNotFound, ObjectTooLarge, Storage, UploadNotFound

UPLOAD_PURPOSE = "material-upload"
#: Tokens outlive the longest reasonable upload (3 GB over a slow line) but not much more; a page that comes back
#: later announces the file again and resumes with a fresh token.
UPLOAD_TOKEN_MAX_AGE = 24 * 3600
DEFAULT_PART_SIZE = 16 * 1024 * 1024
#: Materials that need no language: a drawing, a program or a photo is the same for every reader.
LANGUAGELESS_KINDS = frozenset({MaterialKind.DRAWING, MaterialKind.CNC_PROGRAM, MaterialKind.IMAGE})
#: Their extensions: the uploader's language choice turns to "No language" when such a file is chosen.
LANGUAGELESS_EXTENSIONS = sorted({ext for ext, (kind, _type) in BINARY.items() if kind in LANGUAGELESS_KINDS}
                                 | {ext for ext, kind in TEXT.items() if kind in LANGUAGELESS_KINDS})


def abandoned_after() -> timedelta:
    """How long an unfinished upload waits to be resumed before the upkeep aborts it."""
    return timedelta(hours=current_app.config["UPLOAD_ABANDONED_AFTER_HOURS"])


def file_fingerprint(filename: str, size: int, last_modified: int | None, sample_sha256: str | None) -> str | None:
    """What identifies a file the browser offers again, hashed to fit the column; None when the browser could not
    say when it was modified (nothing to tell two files of the same name and size apart)."""
    if last_modified is None:
        return None
    return hashlib.sha256(f"{filename}\0{size}\0{last_modified}\0{sample_sha256 or ''}".encode()).hexdigest()


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
    #: Parts already in storage when an unfinished upload is resumed, as (number, etag).
    received: list[tuple[int, str]] = field(default_factory=list)
    resumed: bool = False


def default_language(actor: User, filename: str) -> str:
    """The language a material is taken to be in when the trainer does not say: none for drawings, programs and
    pictures, else the trainer's own."""
    kind, _content_type = _provisional_type(filename)
    if kind in LANGUAGELESS_KINDS or actor.language not in MATERIAL_LANGUAGES:
        return "any"
    return actor.language


def _resume(actor: User, lesson: Lesson, name: str, size: int, fingerprint: str) -> StartedUpload | None:
    """The unfinished upload of this file by this person for this lesson, with the parts storage holds; an upload
    whose parts storage no longer has (or kept elsewhere) is discarded."""
    storage = get_storage()
    candidates = db.session.scalars(select(PendingUpload).where(
        PendingUpload.user_id == actor.id, PendingUpload.lesson_id == lesson.id,
        PendingUpload.fingerprint == fingerprint).order_by(PendingUpload.created_at.desc(), PendingUpload.id.desc()))
    for pending in candidates:
        if (pending.storage_backend != storage.name or pending.original_filename != name
                or pending.declared_size != size):
            continue
        try:
            listed = storage.list_parts(pending.storage_key, pending.upload_id)
        except UploadNotFound:
            db.session.delete(pending)
            continue
        count = part_count(pending)
        # Only whole parts of this announcement count; any other is sent again (and replaces it).
        received = [(number, etag) for number, etag, part_size in listed
                    if number <= count and part_size == announced_part_size(pending, number)]
        # Coming back restarts the wait before the upkeep gives the upload up (it counts from ``created_at``).
        pending.created_at = utcnow()
        return StartedUpload(pending, upload_token(pending), count, received, resumed=True)
    return None


def start_upload(actor: User, lesson: Lesson, filename: str, size: int, content_type: str | None,
                 title: dict[str, str], duration_seconds: float | None = None, *, language: str | None = None,
                 fingerprint: str | None = None) -> StartedUpload:
    """Check what the browser says it will send, then resume the unfinished upload of the same file (same person,
    lesson and fingerprint) or open a multipart upload for it."""
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
    if language is not None and language not in MATERIAL_LANGUAGES:
        raise DomainError(_l("Choose the language of the material from the list."), field="language")
    title = {k: v.strip() for k, v in title.items() if v and v.strip()}
    resumed = _resume(actor, lesson, name, size, fingerprint) if fingerprint else None
    if resumed is not None:
        # What the trainer says this time wins over what they said before; what they leave empty stays.
        pending = resumed.pending
        pending.title = title or pending.title
        pending.language = language or pending.language
        pending.duration_seconds = duration_seconds or pending.duration_seconds
        db.session.flush()
        return resumed
    title = title or {"en": name}
    language = language or default_language(actor, name)
    storage = get_storage()
    key = generate_key("materials")
    upload_id = storage.create_multipart_upload(key, content_type)
    pending = PendingUpload(lesson=lesson, user_id=actor.id, storage_backend=storage.name, storage_key=key,
                            upload_id=upload_id, original_filename=name, declared_size=size,
                            declared_type=content_type, part_size=part_size_for(size), title=title,
                            duration_seconds=duration_seconds or None, language=language, fingerprint=fingerprint)
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


INCOMPLETE = _l("The upload was incomplete or interrupted. Please upload the file again.")
#: Why the worker refused an upload (``Material.refusal``): shown on the uploader's page, the lesson's edit page and
#: in the notice. Filled with the file's name and the size limit.
REFUSALS = {
    "incomplete": INCOMPLETE,
    "too_large": _l("The file is too large: at most %(mb)s MB are allowed."),
    "wrong_type": _l("The content of the file does not match its type (%(name)s). It was not saved."),
    "not_video": _l("This file is not a video we can play (%(name)s). It was not saved."),
}


#: Why converting a video for phones failed for good (``Material.media["error"]``): the original is served as
#: uploaded, and the uploader is told.
CONVERSION_FAILURES = {
    "conversion_failed": _l("The video could not be converted for phones; the file is shown as it was uploaded."),
}


def failure_message(code: str) -> str:
    """Why a video's conversion failed, in the current language."""
    return str(CONVERSION_FAILURES.get(code, CONVERSION_FAILURES["conversion_failed"]))


def refusal_message(material: Material) -> str:
    """Why ``material`` was refused, in the current language."""
    text = str(REFUSALS.get(material.refusal or "", INCOMPLETE))
    return text % {"mb": current_app.config["MAX_UPLOAD_BYTES"] // 2**20, "name": material.original_filename}


def _provisional_type(filename: str) -> tuple[MaterialKind, str]:
    """Kind and content type as the name says, until the worker has looked at the content."""
    extension = extension_of(filename)
    if extension in BINARY:
        return BINARY[extension]
    return TEXT[extension], TEXT_CONTENT_TYPES.get(extension, "text/plain; charset=utf-8")


def complete_upload(actor: User, pending: PendingUpload, parts: list[tuple[int, str]]) -> Material:
    """Record the material as PROCESSING; a worker joins the parts and verifies it (``verify_upload``). An upload
    missing parts is refused and deleted at once; a part that is not what was sent is refused by the worker."""
    storage = get_storage()
    if sorted(number for number, _etag in parts) != list(range(1, part_count(pending) + 1)):
        _discard(pending, object_too=False)
        raise DomainError(INCOMPLETE)
    join = {"upload_id": pending.upload_id, "parts": [[number, etag] for number, etag in parts]}
    lesson = pending.lesson
    kind, content_type = _provisional_type(pending.original_filename)
    material = Material(lesson=lesson, kind=kind, status=MaterialStatus.PROCESSING, title=pending.title,
                        position=max((m.position for m in lesson.materials), default=-1) + 1,
                        duration_seconds=pending.duration_seconds, language=pending.language)
    material.point_to(pending.storage_key, pending.declared_size, content_type, None, pending.original_filename,
                      actor)
    delete_unless_committed(pending.storage_key, storage)  # no object stays behind if the row is not saved
    db.session.add(material)
    db.session.delete(pending)
    db.session.flush()
    record_event("catalogue.material_uploaded", actor=actor, obj=material,
                 after={"lesson": lesson.id, "size": pending.declared_size, "status": material.status.value})
    enqueue("catalogue.verify_upload", {"material": material.id, "join": join,
                                        "link": path_for("catalogue.edit_lesson", lesson_id=lesson.id) + "#materials"})
    return material


def material_state(material: Material) -> dict:
    """What the uploader's page shows while a worker checks the file (and converts a video), and after."""
    converting = material.media_status == MediaStatus.PROCESSING
    state = {"id": material.id, "status": material.status.value, "kind": material.kind.value,
             "size": material.size, "message": None, "refusal": None, "url": None,
             "media_status": material.media_status.value,
             "progress": material.media_progress if converting else None}
    if material.status == MaterialStatus.REFUSED:
        state["message"], state["refusal"] = refusal_message(material), material.refusal  # the code, for scripts
    elif material.status == MaterialStatus.READY:
        state["url"] = url_for("learning.material_file", material_id=material.id)
        if material.media_status == MediaStatus.FAILED:
            state["message"] = failure_message(material.media.get("error", ""))
    return state


# -- the worker's part ----------------------------------------------------------------------------------------------
@dataclass
class Verdict:
    refusal: str | None = None
    detected: Detected | None = None
    size: int = 0
    sha256: str | None = None


def _verify_object(storage: Storage, key: str, filename: str, declared_size: int, join: dict | None) -> Verdict:
    """Join the parts, then check size and content and compute the SHA-256 (reads the whole object once)."""
    sha256 = None
    if join is not None and not storage.exists(key):  # not joined yet (a retried job finds it joined)
        try:
            sha256 = storage.complete_multipart_upload(key, join["upload_id"],
                                                       [(number, etag) for number, etag in join["parts"]]).sha256
        except (ValueError, UploadNotFound):
            storage.abort_multipart_upload(key, join["upload_id"])
            return Verdict("incomplete")
    try:
        size = storage.head(key).size
    except ObjectNotFound:
        return Verdict("incomplete")
    if size > current_app.config["MAX_UPLOAD_BYTES"]:
        return Verdict("too_large")  # the browser may have lied about the size: what counts is what arrived
    if size != declared_size:
        return Verdict("incomplete")
    detected = detect(storage.read_range(key, 0, SNIFF_BYTES - 1), filename)
    if detected is None:
        return Verdict("wrong_type")
    return Verdict(None, detected, size, sha256 or storage.sha256(key))


@handler("catalogue.verify_upload", attempts=6)
def verify_upload(payload: dict) -> None:
    """Verify an uploaded material and mark it READY, or refuse it (the object is deleted); tell the uploader."""
    material = db.session.get(Material, payload["material"])
    if material is None or material.status != MaterialStatus.PROCESSING or material.media_status != MediaStatus.NONE:
        return  # done by an earlier delivery (a video being converted is verified already)
    material_id, key, filename, declared = material.id, material.storage_key, material.original_filename, material.size
    storage = get_storage()
    with reading_only():  # reading a large object takes a while: the web requests may write meanwhile
        verdict = _verify_object(storage, key, filename, declared, payload.get("join"))
    material = db.session.get(Material, material_id)
    if material is None or material.status != MaterialStatus.PROCESSING or material.media_status != MediaStatus.NONE:
        return
    uploader = db.session.get(User, material.uploaded_by_id) if material.uploaded_by_id else None
    lesson = material.lesson
    if verdict.refusal is not None:
        refuse_material(material, verdict.refusal, storage, payload.get("link"))
        return
    detected = verdict.detected
    material.kind, material.content_type = detected.kind, detected.content_type
    material.size, material.sha256 = verdict.size, verdict.sha256
    record_event("catalogue.material_verified", obj=material,
                 after={"lesson": lesson.id, "size": verdict.size, "sha256": verdict.sha256, "kind": detected.kind})
    if detected.kind == MaterialKind.VIDEO:
        start_processing(material, payload.get("link"))  # READY, and the uploader told, once converted
        return
    material.status = MaterialStatus.READY
    notify([uploader], "upload.processed", {"name": filename, "title": material.title, "lesson": lesson.title},
           link=payload.get("link"), key=f"upload.processed:{material.id}")


def refuse_material(material: Material, refusal: str, storage: Storage, link: str | None) -> None:
    """Refuse an uploaded material (a code of ``REFUSALS``): hidden everywhere, its object deleted once this is
    committed, its uploader told why."""
    now = utcnow()
    material.status, material.refusal = MaterialStatus.REFUSED, refusal
    material.deleted_at = material.purged_at = now  # hidden everywhere; nothing to restore: the object goes
    delete_after_commit(material.storage_key, storage)
    lesson = material.lesson
    record_event("catalogue.material_refused", obj=material,
                 after={"lesson": lesson.id, "reason": refusal, "file": material.original_filename})
    reason = {}
    for language in LANGUAGES:
        with force_locale(language):
            reason[language] = refusal_message(material)
    uploader = db.session.get(User, material.uploaded_by_id) if material.uploaded_by_id else None
    notify([uploader], "upload.refused", {"name": material.original_filename, "lesson": lesson.title,
                                          "reason": reason}, link=link, key=f"upload.refused:{material.id}")


def start_processing(material: Material, link: str | None = None) -> None:
    """Ask a worker to convert a verified video for phones (``app.catalogue.processing``); until it is done the
    material stays PROCESSING."""
    material.media_status, material.media_progress, material.media = MediaStatus.PROCESSING, 0, {}
    enqueue("catalogue.process_video", {"material": material.id, "link": link})


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
    # Local parts of a completed upload wait for the worker that joins them (under the material's key).
    waiting = set(db.session.scalars(select(Material.storage_key).where(
        Material.status == MaterialStatus.PROCESSING)))
    storage = get_storage()
    for key, upload_id, initiated in storage.list_multipart_uploads():
        if upload_id not in known and key not in waiting and initiated < cutoff:
            storage.abort_multipart_upload(key, upload_id)
            count += 1
    return count
