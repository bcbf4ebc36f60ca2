"""A converted video's files for the player: HLS playlists and segments, MP4 renditions, poster, captions; and the
person's "data saver" choice. Each answer checks access to the material first (as ``material_file`` does)."""

from __future__ import annotations

from flask import abort, current_app, jsonify, make_response
from flask_login import current_user, login_required
from sqlalchemy import select

from app.catalogue.models import Caption, Course, Lesson, Material, MaterialKind, MaterialStatus
from app.core.files import send_stored_key
from app.core.i18n import LANGUAGES
from app.core.json import json_body
from app.core.permissions import MAX_ID
from app.enrolment.policies import can_access_material
from app.extensions import db
from app.learning import bp, player
from app.learning.schemas import DataSaverSchema
from app.storage import get_storage
from app.storage.base import ObjectNotFound


def _video(material_id: int) -> Material:
    """The video, if the current person may watch it (404 for what is not a servable video, 403 for others')."""
    if not 0 < material_id <= MAX_ID:
        abort(404)
    row = db.session.execute(select(Material, Course).join(Lesson, Lesson.id == Material.lesson_id)
                             .join(Course, Course.id == Lesson.course_id).where(Material.id == material_id)).first()
    if row is None:
        abort(404)
    material, course = row
    if material.kind != MaterialKind.VIDEO or material.purged_at or material.status != MaterialStatus.READY:
        abort(404)
    if not can_access_material(current_user, material, course):
        abort(403)
    return material


@bp.get("/materials/<int:material_id>/media/<name>")
@login_required
def material_media(material_id: int, name: str):
    """An MP4 rendition (with Range, for seeking) or the poster."""
    material = _video(material_id)
    key = player.media_key(material, name)
    if key is None:
        abort(404)
    return send_stored_key(key, player.content_type_of(name), inline=True)


@bp.get("/materials/<int:material_id>/hls/<path:name>")
@login_required
def material_hls(material_id: int, name: str):
    """The HLS ladder: the master playlist names the variants (relative: they come back here); a variant lists its
    segments (local storage: relative, served here; S3: rewritten to short-lived bucket URLs)."""
    material = _video(material_id)
    key = player.media_key(material, "hls/" + name)
    if key is None:
        abort(404)
    storage = get_storage()
    if not name.endswith(".m3u8"):
        return send_stored_key(key, player.content_type_of(name), inline=True)
    try:
        with storage.open(key) as stream:
            text = stream.read(2 * 2**20).decode("utf-8")
    except ObjectNotFound:
        abort(404)
    if storage.supports_presigned_urls and name != "master.m3u8":
        folder = key.rsplit("/", 1)[0] + "/"
        expires = current_app.config["S3_PRESIGN_EXPIRES"]
        text = player.rewrite_playlist(text, lambda uri: storage.presigned_get_url(
            folder + uri, expires=expires, content_type=player.content_type_of(uri), inline=True))
    response = make_response(text)
    response.headers["Content-Type"] = player.CONTENT_TYPES["m3u8"]
    response.headers["Cache-Control"] = "private, no-store"  # S3 playlists hold URLs that expire
    return response


@bp.get("/materials/<int:material_id>/captions/<language>.vtt")
@login_required
def material_captions(material_id: int, language: str):
    """Captions are served by the app (same origin: a ``<track>`` from another origin needs CORS on the bucket)."""
    material = _video(material_id)
    if language not in LANGUAGES:
        abort(404)
    caption = db.session.scalar(select(Caption).where(Caption.material_id == material.id,
                                                      Caption.language == language))
    if caption is None:
        abort(404)
    try:
        with get_storage().open(caption.storage_key) as stream:
            text = stream.read()
    except ObjectNotFound:
        abort(404)
    response = make_response(text)
    response.headers["Content-Type"] = "text/vtt; charset=utf-8"
    response.headers["Cache-Control"] = "private, max-age=0"
    return response


@bp.post("/me/data-saver")
@login_required
def data_saver():
    """The player's "data saver" switch, remembered for the person (JSON ``{"on": true}``)."""
    current_user.data_saver = json_body(DataSaverSchema())["on"]
    return jsonify(on=current_user.data_saver)
