"""Pictures of posts (checked by their content, seen by whoever reads the post, in the issue PDF) and the pages of
the posts list; the feed holds the latest posts only."""

from __future__ import annotations

import io
from datetime import timedelta

import feedparser
from PIL import Image
from pypdf import PdfReader

from app.bulletin import services
from app.bulletin.issue_files import issue_posts
from app.bulletin.models import BulletinIssue, Post, PostImage, PostStatus, Visibility
from app.bulletin.pdf import issue_pdf
from app.core.db import utcnow
from app.core.models import AuditEntry
from app.core.permissions import Role
from app.storage import get_storage
from tests.factories import create_user


def png(size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "orange").save(out, "PNG")
    return out.getvalue()


def upload(client, post, data: bytes, name="photo.png", caption="Spawacz przy pracy"):
    return client.post_form(f"/bulletin/{post.id}/images", {"file": (io.BytesIO(data), name), "caption": caption},
                            content_type="multipart/form-data")


def test_pictures_are_checked_shown_to_readers_and_printed(client, login, db):
    coordinator, mentor = create_user(Role.COORDINATOR, language="en"), create_user(Role.MENTOR)
    post = services.write_post(coordinator, title={"pl": "Warsztaty"}, body={"pl": "Zdjęcia z warsztatów."},
                               source_language="pl", visibility=Visibility.MEMBERS, publish=False)
    db.session.commit()
    login(mentor)  # not theirs to edit
    assert upload(client, post, png()).status_code == 403
    login(coordinator)
    response = upload(client, post, png())
    assert response.status_code == 303 and response.location.endswith(f"/bulletin/{post.id}/edit#pictures")
    picture = db.session.query(PostImage).one()
    assert picture.content_type == "image/png" and picture.caption == "Spawacz przy pracy"
    assert db.session.query(AuditEntry).filter_by(action="bulletin.image_added").count() == 1
    refused = upload(client, post, b"MZ\x90\x00 not a picture", name="photo.png")
    assert refused.status_code == 422 and "Upload a picture as a JPEG, PNG or WebP file." in refused.text
    broken = upload(client, post, png()[:60], name="broken.png")  # a PNG header, then nothing
    assert broken.status_code == 422 and "This file is not a photo we can read." in broken.text
    assert db.session.query(PostImage).count() == 1
    url = f"/bulletin/{post.id}/images/{picture.id}"
    assert f'src="{url}"' in client.get(f"/bulletin/{post.id}").text
    assert client.get(url).data == png()

    client.post_form("/logout")  # a draft: its picture does not exist for others
    assert client.get(url).status_code == 404
    services.publish_post(coordinator, post)
    db.session.commit()
    assert client.get(url).status_code == 404  # members only: not for visitors
    login(mentor)
    assert client.get(url).status_code == 200
    assert client.get(f"/bulletin/{post.id}/images/{picture.id + 1}").status_code == 404

    issue = BulletinIssue(number=3, title={"pl": "Numer 3"}, period_start=utcnow().date(),
                          period_end=utcnow().date(), published_at=utcnow())
    db.session.add(issue)
    post.issue = issue
    db.session.commit()
    reader = PdfReader(io.BytesIO(issue_pdf(issue, issue_posts(issue, public_only=False), "pl")))
    assert "Spawacz przy pracy" in "\n".join(p.extract_text() for p in reader.pages)
    assert any(page.images for page in reader.pages)

    login(coordinator)
    key = picture.storage_key
    assert client.post_form(f"/bulletin/{post.id}/images/{picture.id}/delete").status_code == 303
    assert db.session.query(PostImage).count() == 0 and not get_storage().exists(key)


def test_at_most_six_pictures(client, login, db):
    coordinator = create_user(Role.COORDINATOR)
    post = services.write_post(coordinator, title={"en": "Fair"}, body={"en": "Photos."}, source_language="en",
                               visibility=Visibility.PUBLIC, publish=True)
    db.session.commit()
    login(coordinator)
    for _ in range(6):
        assert upload(client, post, png()).status_code == 303
    response = upload(client, post, png())
    assert response.status_code == 422 and "A post has at most 6 pictures." in response.text
    assert db.session.query(PostImage).count() == 6


def test_the_list_has_pages_and_the_feed_the_latest_posts(client, db):
    author = create_user(Role.COORDINATOR)
    now = utcnow()
    db.session.add_all([Post(title={"en": f"Post {n:02d}"}, body={"en": "Text."}, source_language="en",
                             visibility=Visibility.PUBLIC, status=PostStatus.PUBLISHED, author=author,
                             published_at=now - timedelta(hours=n)) for n in range(45)])
    db.session.commit()
    first = client.get("/bulletin/").text
    assert "Post 00" in first and "Post 19" in first and "Post 20" not in first and 'rel="next"' in first
    third = client.get("/bulletin/?page=3").text
    assert "Post 40" in third and "Post 44" in third and "Post 39" not in third and 'rel="next"' not in third
    assert client.get("/bulletin/?page=abc").status_code == 404  # as every list (app.core.urls.check_arguments)
    assert client.get("/bulletin/?page=999").status_code == 200
    feed = feedparser.parse(client.get("/bulletin/feed.atom").get_data())
    assert len(feed.entries) == services.FEED_SIZE and feed.entries[0].title == "Post 00"
