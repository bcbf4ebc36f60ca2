"""Members' images: logos and product photos. Stored through the storage layer (type by content, checked by Pillow
before the object is kept), thumbnails made by a worker, shown publicly only once a coordinator approved the entry
that uses them.

An image is *published* when the approved entry points to it: it is the logo (``is_logo``) or a product's photo
(``product_id``). An image only a proposal names has neither: it stays private to the member's contact person and
the coordinators until the proposal is approved.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterable
from typing import Any, BinaryIO

import filetype
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps
from sqlalchemy import select

from app.core.errors import DomainError
from app.core.files import FileRule, store_upload
from app.core.uow import delete_unless_committed
from app.extensions import db
from app.jobs.outbox import enqueue, handler
from app.network.models import Company, MemberImage
from app.network.policies import can_manage_company, contact_company_ids
from app.storage import generate_key, get_storage

IMAGES = FileRule("network/images", {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}, 10 * 2**20,
                  wrong_type=_l("Upload a photo as a JPEG, PNG or WebP file."),
                  too_large=_l("The photo is too large (at most 10 MB)."), default_name="photo")
#: Photos beyond this are refused before Pillow decodes them (a small file can declare a huge canvas).
MAX_PIXELS = 40_000_000
#: The longest side of a thumbnail, in pixels (sharp on a phone held upright, small on a slow connection).
THUMBNAIL_SIDE = 480
THUMBNAILS = "network/thumbs"


def check_image(data: bytes) -> None:
    """Refuse what Pillow cannot read, or that would decode to an enormous bitmap (a decompression bomb)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise DomainError(_l("The photo has too many pixels (at most 40 megapixels)."), field="file")
                image.verify()
    except DomainError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise DomainError(_l("The photo has too many pixels (at most 40 megapixels)."), field="file") from None
    except Exception:  # Pillow raises many kinds for a broken file; each means "not a photo we can show"
        raise DomainError(_l("This file is not a photo we can read."), field="file") from None


def store_image(actor: Any, company: Company, stream: BinaryIO, filename: str | None) -> MemberImage:
    """Keep an uploaded logo or photo (not yet part of the public entry) and ask the worker for its thumbnail."""
    data = stream.read(IMAGES.max_bytes + 1)
    if len(data) > IMAGES.max_bytes:
        raise DomainError(IMAGES.too_large, field="file")
    guess = filetype.guess(data[:8192]) if data else None
    if guess is None or guess.extension not in IMAGES.types:  # the type first: Pillow would read a GIF or a TIFF
        raise DomainError(IMAGES.wrong_type, field="file")
    check_image(data)
    image = store_upload(MemberImage(company_id=company.id), io.BytesIO(data), filename, IMAGES, actor=actor,
                         action="network.image_uploaded", about=company)
    enqueue("network.thumbnail", {"image": image.id})
    return image


def is_published(image: MemberImage) -> bool:
    return image.is_logo or image.product_id is not None


def can_see_image(user: Any, company: Company, image: MemberImage) -> bool:
    """Images of a published entry are public; the others (proposals) only for the contact person and
    coordinators."""
    if image.company_id != company.id:
        return False
    if can_manage_company(user, company) or company.id in contact_company_ids(user):
        return True
    return is_published(image) and company.is_active and company.is_published


def make_thumbnail(data: bytes) -> tuple[bytes, int, int]:
    """A JPEG at most THUMBNAIL_SIDE wide or high, turned as the camera meant it, without EXIF (no GPS position
    or camera serial leaves with it); returns it with the original's width and height."""
    with Image.open(io.BytesIO(data)) as image:
        width, height = image.size
        image = ImageOps.exif_transpose(image)
        image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
        if image.mode not in ("RGB", "L"):
            background = Image.new("RGB", image.size, "white")
            converted = image.convert("RGBA")
            background.paste(converted, mask=converted.split()[-1])
            image = background
        out = io.BytesIO()
        image.save(out, "JPEG", quality=82, optimize=True)  # no exif= argument: nothing of the original's EXIF
    return out.getvalue(), width, height


@handler("network.thumbnail")
def thumbnail(payload: dict) -> None:
    """Make an image's thumbnail and record its size (once: a repeated delivery finds it done)."""
    image = db.session.get(MemberImage, payload.get("image"))
    if image is None or image.thumbnail_key is not None:
        return
    storage = get_storage()
    stream = storage.open(image.storage_key)
    try:
        data = stream.read()
    finally:
        stream.close()
    thumb, image.width, image.height = make_thumbnail(data)
    key = generate_key(THUMBNAILS)
    storage.save(key, io.BytesIO(thumb), "image/jpeg")
    delete_unless_committed(key, storage)
    image.thumbnail_key = key
    db.session.flush()


def image_references() -> Iterable[tuple[str, str]]:
    """Every image and thumbnail a row points to (``flask storage check`` keeps them)."""
    for image_id, key, thumb in db.session.execute(
            select(MemberImage.id, MemberImage.storage_key, MemberImage.thumbnail_key)):
        yield key, f"member image #{image_id}"
        if thumb:
            yield thumb, f"thumbnail of member image #{image_id}"
