"""The JSON endpoints of the browser uploader (see app/catalogue/uploads.py for the protocol)."""

from __future__ import annotations

import logging

from flask import abort, jsonify, make_response, request, url_for
from flask_login import current_user

from app.catalogue import bp, uploads
from app.catalogue.forms import StartUploadForm
from app.catalogue.models import Lesson
from app.catalogue.policies import can_manage_course
from app.core.errors import DomainError
from app.core.permissions import Role, role_required
from app.core.translated import pick
from app.extensions import db
from app.storage import StorageUnavailable, get_storage

log = logging.getLogger(__name__)


def error_response(message, status: int = 400):
    return jsonify(error=str(message)), status


@bp.post("/api/lessons/<int:lesson_id>/uploads")
@role_required(Role.TRAINER, Role.COORDINATOR)
def start_upload(lesson_id: int):
    lesson = db.get_or_404(Lesson, lesson_id)
    if not can_manage_course(current_user, lesson.module.course):
        abort(403)
    form = StartUploadForm()
    if not form.validate():
        return error_response(next(iter(form.errors.values()))[0], 422)
    language = form.title_language.data if form.title_language.data in ("pl", "lt", "en") else "en"
    try:
        started = uploads.start_upload(current_user, lesson, form.filename.data, form.size.data,
                                       form.content_type.data or None, {language: form.title.data or ""},
                                       form.duration.data)
    except DomainError as error:
        db.session.rollback()
        return error_response(error.message, 422)
    db.session.commit()
    return jsonify(token=started.token, part_size=started.pending.part_size, part_count=started.part_count,
                   direct=get_storage().supports_presigned_urls,
                   target_url=url_for("catalogue.part_target", token=started.token, number=1)
                   .replace("/parts/1/", "/parts/__PART__/"),
                   complete_url=url_for("catalogue.complete_upload", token=started.token),
                   abort_url=url_for("catalogue.abort_upload", token=started.token)), 201


def _pending(token: str):
    try:
        return uploads.load_pending_upload(token, current_user)
    except DomainError as error:
        abort(make_response(jsonify(error=str(error.message)), 403))


@bp.post("/api/uploads/<token>/parts/<int:number>/target")
@role_required(Role.TRAINER, Role.COORDINATOR)
def part_target(token: str, number: int):
    pending = _pending(token)
    try:
        url = uploads.part_target(pending, token, number)
    except DomainError as error:
        return error_response(error.message, 422)
    return jsonify(url=url, method="PUT", direct=get_storage().supports_presigned_urls)


@bp.put("/api/uploads/<token>/parts/<int:number>")
@role_required(Role.TRAINER, Role.COORDINATOR)
def upload_part(token: str, number: int):
    """Local storage only: the part's bytes are streamed from the request body to disk."""
    pending = _pending(token)
    if get_storage().supports_presigned_urls:
        return error_response("parts go to the bucket", 409)
    try:
        etag = uploads.receive_part(pending, number, request.stream)
    except DomainError as error:
        return error_response(error.message, 422)
    return jsonify(etag=etag)


def _parts_from_json(payload) -> list[tuple[int, str]]:
    parts = payload.get("parts") if isinstance(payload, dict) else None
    if not isinstance(parts, list) or not parts or len(parts) > 10_000:
        raise ValueError
    result = []
    for item in parts:
        number, etag = item.get("number"), item.get("etag")
        if not isinstance(number, int) or not isinstance(etag, str) or not 0 < len(etag) < 200:
            raise ValueError
        result.append((number, etag))
    return result


@bp.post("/api/uploads/<token>/complete")
@role_required(Role.TRAINER, Role.COORDINATOR)
def complete_upload(token: str):
    pending = _pending(token)
    try:
        parts = _parts_from_json(request.get_json(silent=True))
    except ValueError:
        return error_response("malformed list of parts", 400)
    key = pending.storage_key
    try:
        material = uploads.complete_upload(current_user, pending, parts)
    except DomainError as error:
        db.session.commit()  # the discarded upload's row goes with its parts
        return error_response(error.message, 422)
    try:
        db.session.commit()
    except Exception:
        # The row could not be recorded: remove the object so nothing is left without a row.
        db.session.rollback()
        try:
            get_storage().delete(key)
        except StorageUnavailable:
            log.exception("could not remove object %s after a failed commit", key)
        raise
    return jsonify(material={"id": material.id, "title": pick(material.title), "kind": material.kind.value,
                             "size": material.size, "url": url_for("learning.material_file",
                                                                   material_id=material.id)}), 201


@bp.post("/api/uploads/<token>/abort")
@role_required(Role.TRAINER, Role.COORDINATOR)
def abort_upload(token: str):
    pending = _pending(token)
    uploads.abort_upload(pending)
    db.session.commit()
    return jsonify(aborted=True)
