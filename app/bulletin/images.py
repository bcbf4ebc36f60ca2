"""Pictures of bulletin posts: JPEG, PNG or WebP, the type decided by the content and the picture read by Pillow
before the object is kept (``app.network.images.check_image``: no decompression bombs), at most ``MAX_IMAGES`` per
post. Whoever may edit the post adds and removes them; whoever may read it sees them."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any, BinaryIO

import filetype
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.bulletin.models import Post, PostImage
from app.bulletin.policies import can_edit
from app.core.audit import record_event
from app.core.errors import DomainError
from app.core.files import FileRule, store_upload
from app.core.uow import delete_after_commit
from app.extensions import db
from app.network.images import check_image

IMAGES = FileRule("bulletin/images", {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}, 10 * 2**20,
                  wrong_type=_l("Upload a picture as a JPEG, PNG or WebP file."),
                  too_large=_l("The picture is too large (at most 10 MB)."), default_name="picture")
MAX_IMAGES = 6


def add_image(actor: Any, post: Post, stream: BinaryIO, filename: str | None, caption: str) -> PostImage:
    if not can_edit(actor, post):
        raise DomainError(_l("You cannot edit this post."))
    if len(post.images) >= MAX_IMAGES:
        raise DomainError(_l("A post has at most %(count)s pictures.", count=MAX_IMAGES), field="file")
    data = stream.read(IMAGES.max_bytes + 1)
    if not data:
        raise DomainError(_l("Choose a picture to upload."), field="file")
    if len(data) > IMAGES.max_bytes:
        raise DomainError(IMAGES.too_large, field="file")
    guess = filetype.guess(data[:8192])
    if guess is None or guess.extension not in IMAGES.types:
        raise DomainError(IMAGES.wrong_type, field="file")
    check_image(data)
    position = max((i.position for i in post.images), default=-1) + 1
    return store_upload(PostImage(post_id=post.id, caption=(caption or "").strip()[:300], position=position),
                        io.BytesIO(data), filename, IMAGES, actor=actor, action="bulletin.image_added", about=post)


def remove_image(actor: Any, image: PostImage) -> None:
    if not can_edit(actor, image.post):
        raise DomainError(_l("You cannot edit this post."))
    key, post = image.storage_key, image.post
    post.images.remove(image)
    db.session.flush()
    delete_after_commit(key)
    record_event("bulletin.image_removed", actor=actor, obj=post, before={"file": key})


def image_references() -> Iterable[tuple[str, str]]:
    """Every picture a row points to (``flask storage check`` keeps them)."""
    for image_id, key in db.session.execute(select(PostImage.id, PostImage.storage_key)):
        yield key, f"bulletin picture #{image_id}"
