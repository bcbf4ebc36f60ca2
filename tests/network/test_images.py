"""Members' images: checked by content and by Pillow (bombs refused), thumbnails made by the worker without EXIF,
public only once the entry that uses them is approved, and kept by storage cleanup."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import select

from app.core.errors import DomainError
from app.core.permissions import Role
from app.network import images
from app.network.models import EntryRevision, MemberImage
from app.storage.references import all_references
from tests.factories import create_user
from tests.network.entry_world import entry_form, member_with_contact, photo
from tests.workoff import work_off


@pytest.fixture
def proposed(client, login, db):
    """A member whose contact person proposed one product with a photo (pending), and the thumbnail made."""
    company, contact = member_with_contact()
    login(contact)
    response = client.post_form(f"/directory/{company.id}/entry", entry_form(
        company, **{"products-0-photo": (io.BytesIO(photo(size=(1200, 800), exif=True)), "gate.jpg")}),
        content_type="multipart/form-data")
    assert response.status_code == 303
    assert work_off("network.thumbnail") == ["done"]
    image = db.session.scalar(select(MemberImage).where(MemberImage.company_id == company.id))
    return company, contact, image


def test_the_worker_makes_a_small_thumbnail_without_exif(app, db, proposed):
    _company, _contact, image = proposed
    db.session.refresh(image)
    assert (image.width, image.height) == (1200, 800) and image.thumbnail_key
    stream = app.extensions["mcc_storage"].open(image.thumbnail_key)
    with Image.open(io.BytesIO(stream.read())) as thumb:
        assert max(thumb.size) == images.THUMBNAIL_SIDE and thumb.format == "JPEG"
        assert not thumb.getexif()
    stream.close()
    original = app.extensions["mcc_storage"].open(image.storage_key)
    with Image.open(io.BytesIO(original.read())) as kept:
        assert kept.getexif()  # the original stays as uploaded; only the thumbnail is shown in lists
    original.close()
    # A second delivery of the same job does nothing.
    key = image.thumbnail_key
    images.thumbnail({"image": image.id})
    assert image.thumbnail_key == key


def test_pending_images_are_private_to_the_contact_and_coordinators(client, login, db, proposed):
    company, _contact, image = proposed
    urls = [f"/directory/{company.id}/images/{image.id}", f"/directory/{company.id}/images/{image.id}/thumb"]
    for url in urls:
        assert client.get(url).status_code == 200  # the contact person (still logged in)
    client.post_form("/logout")
    for url in urls:
        assert client.get(url).status_code == 404
    login(create_user(Role.TRAINEE))
    assert client.get(urls[0]).status_code == 404
    _other, other_contact = member_with_contact()
    login(other_contact)
    assert client.get(urls[0]).status_code == 404
    login(create_user(Role.COORDINATOR))
    assert client.get(urls[1]).status_code == 200
    # Under another member's address, never.
    assert client.get(f"/directory/{_other.id}/images/{image.id}").status_code == 404


def test_approved_images_are_public(client, login, db, proposed):
    company, _contact, image = proposed
    coordinator = create_user(Role.COORDINATOR)
    login(coordinator)
    revision = db.session.scalar(select(EntryRevision))
    assert client.post_form(f"/directory/revisions/{revision.id}/approve").status_code == 303
    client.post_form("/logout")
    thumb = client.get(f"/directory/{company.id}/images/{image.id}/thumb")
    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"
    assert client.get(f"/directory/{company.id}/images/{image.id}").mimetype == "image/jpeg"
    page = client.get(f"/directory/{company.id}").get_data(as_text=True)
    assert f"/directory/{company.id}/images/{image.id}/thumb" in page and 'itemprop="image"' in page


def test_storage_cleanup_keeps_images_and_thumbnails(db, proposed):
    _company, _contact, image = proposed
    db.session.refresh(image)
    references = all_references()
    assert image.storage_key in references and image.thumbnail_key in references


def _bomb() -> bytes:
    """A tiny PNG that declares a 20000 × 20000 canvas (400 megapixels)."""
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, "PNG", optimize=True)
    return out.getvalue()


@pytest.mark.parametrize(("data", "message"), [
    (_bomb(), "too many pixels"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "not a photo we can read"),
    (b"GIF89a" + b"\x00" * 100, "JPEG, PNG or WebP"),
    (b"", "JPEG, PNG or WebP"),
])
def test_bad_images_are_refused_before_anything_is_stored(app, db, data, message):
    company, contact = member_with_contact()
    with pytest.raises(DomainError, match=message):
        images.store_image(contact, company, io.BytesIO(data), "x.png")
    assert db.session.scalar(select(MemberImage.id)) is None


def test_too_large_files_are_refused(app, db, monkeypatch):
    company, contact = member_with_contact()
    monkeypatch.setattr(images, "IMAGES", images.IMAGES.__class__(**{**images.IMAGES.__dict__, "max_bytes": 1000}))
    with pytest.raises(DomainError, match="too large"):
        images.store_image(contact, company, io.BytesIO(photo(size=(400, 400), color="white") * 5), "x.jpg")


def test_images_and_thumbnails_work_on_both_storages(client, login, db, backend_storage):
    company, contact = member_with_contact()
    login(contact)
    response = client.post_form(f"/directory/{company.id}/entry", entry_form(
        company, **{"products-0-photo": (io.BytesIO(photo("PNG", size=(900, 300))), "wide.png")}),
        content_type="multipart/form-data")
    assert response.status_code == 303
    assert work_off("network.thumbnail") == ["done"]
    image = db.session.scalar(select(MemberImage))
    assert image.storage_backend == backend_storage.name and backend_storage.exists(image.thumbnail_key)
    assert (image.width, image.height) == (900, 300)
    thumb = client.get(f"/directory/{company.id}/images/{image.id}/thumb")
    assert thumb.status_code == (302 if backend_storage.supports_presigned_urls else 200)
