"""The JSON endpoints of the browser uploader (see app/catalogue/uploads.py for the protocol).

A refusal (``DomainError``) escaping one of these views is answered by the unit of work as ``{"error": message}``
with 422, like the other errors here.
"""

from __future__ import annotations

from flask import abort, jsonify, make_response, request, url_for
from flask_login import current_user

from app.catalogue import bp, uploads
from app.catalogue.forms import StartUploadForm
from app.catalogue.models import Lesson, Material
from app.catalogue.policies import can_manage_lesson, can_manage_material
from app.catalogue.schemas import CompleteUploadSchema
from app.core.errors import DomainError
from app.core.i18n import LANGUAGES
from app.core.json import json_body
from app.core.permissions import Role, load_or_403, role_required
from app.core.translated import pick
from app.core.uow import keep
from app.storage import get_storage


def error_response(message, status: int = 400):
    return jsonify(error=str(message)), status


@bp.post("/api/lessons/<int:lesson_id>/uploads")
@role_required(Role.TRAINER, Role.COORDINATOR)
def start_upload(lesson_id: int):
    lesson = load_or_403(Lesson, lesson_id, can_manage_lesson)
    form = StartUploadForm()
    if not form.validate():
        return error_response(next(iter(form.errors.values()))[0], 422)
    language = form.title_language.data if form.title_language.data in LANGUAGES else "en"
    fingerprint = uploads.file_fingerprint(form.filename.data, form.size.data, form.last_modified.data,
                                           form.sample_sha256.data)
    started = uploads.start_upload(current_user, lesson, form.filename.data, form.size.data,
                                   form.content_type.data or None, {language: form.title.data or ""},
                                   form.duration.data, language=form.language.data or None,
                                   fingerprint=fingerprint)
    # "received": the parts of a resumed upload already in storage; the browser sends only the others.
    return jsonify(token=started.token, part_size=started.pending.part_size, part_count=started.part_count,
                   resumed=started.resumed,
                   received=[{"number": number, "etag": etag} for number, etag in started.received],
                   direct=get_storage().supports_presigned_urls,
                   target_url=url_for("catalogue.part_target", token=started.token, number=1)
                   .replace("/parts/1/", "/parts/__PART__/"),
                   complete_url=url_for("catalogue.complete_upload", token=started.token),
                   abort_url=url_for("catalogue.abort_upload", token=started.token)), 200 if started.resumed else 201


def _pending(token: str):
    try:
        return uploads.load_pending_upload(token, current_user)
    except DomainError as error:
        abort(make_response(jsonify(error=str(error.message)), 403))


@bp.post("/api/uploads/<token>/parts/<int:number>/target")
@role_required(Role.TRAINER, Role.COORDINATOR)
def part_target(token: str, number: int):
    url = uploads.part_target(_pending(token), token, number)
    return jsonify(url=url, method="PUT", direct=get_storage().supports_presigned_urls)


@bp.put("/api/uploads/<token>/parts/<int:number>")
@role_required(Role.TRAINER, Role.COORDINATOR)
def upload_part(token: str, number: int):
    """Local storage only: the part's bytes are streamed from the request body to disk."""
    pending = _pending(token)
    if get_storage().supports_presigned_urls:
        return error_response("parts go to the bucket", 409)
    return jsonify(etag=uploads.receive_part(pending, number, request.stream))


@bp.post("/api/uploads/<token>/complete")
@role_required(Role.TRAINER, Role.COORDINATOR)
def complete_upload(token: str):
    """202: the parts are joined and the material recorded as processing; a worker verifies it (the page polls
    ``status_url``)."""
    pending = _pending(token)
    parts = [(part["number"], part["etag"]) for part in json_body(CompleteUploadSchema())["parts"]]
    keep()  # an upload refused for what arrived is discarded: its row goes with its parts
    material = uploads.complete_upload(current_user, pending, parts)
    return jsonify(material={**uploads.material_state(material), "title": pick(material.title),
                             "status_url": url_for("catalogue.material_status", material_id=material.id)}), 202


@bp.get("/api/materials/<int:material_id>/status")
@role_required(Role.TRAINER, Role.COORDINATOR)
def material_status(material_id: int):
    """Where a worker stands with an uploaded material: processing, ready, or refused (with the reason)."""
    material = load_or_403(Material, material_id, can_manage_material)
    return jsonify(material={**uploads.material_state(material), "title": pick(material.title)})


@bp.post("/api/uploads/<token>/abort")
@role_required(Role.TRAINER, Role.COORDINATOR)
def abort_upload(token: str):
    pending = _pending(token)
    uploads.abort_upload(pending)
    return jsonify(aborted=True)
