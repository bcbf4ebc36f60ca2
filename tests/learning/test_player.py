"""The lesson's video player: the converted ladder, renditions and poster served to those who may watch, captions
per language with the viewer's preselected, the data saver remembered, materials in the viewer's language first."""

from __future__ import annotations

import io
import re

import pytest
import requests
from sqlalchemy import select

from app.catalogue import captions as caption_service
from app.catalogue.models import Caption, MaterialKind, MaterialStatus, MediaStatus
from app.core.models import AuditEntry
from app.core.permissions import Role
from app.extensions import db as _db
from app.storage import build_storage, get_storage
from tests.catalogue.samples import MP4
from tests.factories import create_user
from tests.factories.catalogue import create_course, create_material, first_lesson
from tests.factories.enrolment import enrol

VTT_PL = "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nSpawanie łukowe: zachowaj kąt palnika\n"
SRT_LT = "1\r\n00:00:01,000 --> 00:00:04,000\r\nSuvirinimas: išlaikykite degiklio kampą\r\n"


def converted_video(lesson, heights=(360, 540, 720)):
    """A video material as the worker leaves it: renditions, an HLS ladder with relative URIs, a poster."""
    material = create_material(lesson, data=MP4, filename="mig.mp4", kind=MaterialKind.VIDEO,
                               content_type="video/mp4", duration_seconds=62.0)
    storage = get_storage()
    prefix = material.storage_key + ".media/"
    renditions = []
    master = ["#EXTM3U"]
    for height in heights:
        key = f"{prefix}{height}p.mp4"
        storage.save(key, io.BytesIO(f"mp4 {height}".encode()), "video/mp4")
        renditions.append({"height": height, "width": height * 16 // 9, "key": key, "size": 6,
                           "bitrate": height * 1000})
        storage.save(f"{prefix}hls/{height}p/index.m3u8", io.BytesIO(
            b"#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6.0,\nseg_000.ts\n#EXTINF:2.0,\nseg_001.ts\n#EXT-X-ENDLIST\n"),
            "application/vnd.apple.mpegurl")
        for segment in ("seg_000.ts", "seg_001.ts"):
            storage.save(f"{prefix}hls/{height}p/{segment}", io.BytesIO(b"G" + bytes(187)), "video/mp2t")
        master += [f"#EXT-X-STREAM-INF:BANDWIDTH={height * 1000},RESOLUTION={height * 16 // 9}x{height}",
                   f"{height}p/index.m3u8"]
    storage.save(prefix + "hls/master.m3u8", io.BytesIO("\n".join(master).encode() + b"\n"),
                 "application/vnd.apple.mpegurl")
    storage.save(prefix + "poster.jpg", io.BytesIO(b"\xff\xd8\xff\xe0poster"), "image/jpeg")
    material.media = {"probe": {"duration": 62.0, "width": 1920, "height": 1080}, "prefix": prefix,
                      "renditions": renditions, "hls": {"master": prefix + "hls/master.m3u8"},
                      "poster": prefix + "poster.jpg", "thumbnails": []}
    material.media_status = MediaStatus.READY
    _db.session.commit()
    return material


@pytest.fixture
def world(db):
    trainer = create_user(Role.TRAINER)
    course = create_course(trainers=[trainer])
    lesson = first_lesson(course)
    trainee, stranger = create_user(), create_user()
    enrol(trainee, course)
    video = converted_video(lesson)
    return {"trainer": trainer, "course": course, "lesson": lesson, "trainee": trainee, "stranger": stranger,
            "video": video}


def lesson_url(world):
    return f"/courses/{world['course'].id}/lessons/{world['lesson'].id}"


def test_the_lesson_plays_the_ladder_with_the_mp4_as_fallback_and_the_poster(client, login, world):
    login(world["trainee"])
    page = client.get(lesson_url(world)).get_data(as_text=True)
    video = world["video"]
    assert f'data-hls="/materials/{video.id}/hls/master.m3u8"' in page
    assert f'<source src="/materials/{video.id}/media/540p.mp4" type="video/mp4">' in page
    assert f'poster="/materials/{video.id}/media/poster.jpg"' in page
    assert "vendor/hlsjs/hls.light.min.js" in page


def test_with_data_saver_the_fallback_is_the_smallest_and_the_choice_is_remembered(client, login, world):
    login(world["trainee"])
    headers = {"X-CSRFToken": client.csrf_token()}
    response = client.post("/me/data-saver", json={"on": True}, headers=headers)
    assert response.status_code == 200 and response.get_json() == {"on": True}
    page = client.get(lesson_url(world)).get_data(as_text=True)
    assert f"/materials/{world['video'].id}/media/360p.mp4" in page and 'data-saver="1"' in page
    # what is not a yes or no changes nothing
    for body in ({"on": "maybe"}, {}, [True], None):
        assert client.post("/me/data-saver", json=body, headers=headers).status_code == 400
    _db.session.expire_all()
    assert _db.session.get(type(world["trainee"]), world["trainee"].id).data_saver is True


def test_playlists_and_segments_are_served_to_who_may_watch(client, login, world):
    video = world["video"]
    base = f"/materials/{video.id}"
    login(world["trainee"])
    master = client.get(f"{base}/hls/master.m3u8")
    assert master.status_code == 200 and master.content_type == "application/vnd.apple.mpegurl"
    assert "720p/index.m3u8" in master.get_data(as_text=True)
    variant = client.get(f"{base}/hls/720p/index.m3u8").get_data(as_text=True)
    assert "seg_000.ts" in variant  # local storage: relative, served here
    segment = client.get(f"{base}/hls/720p/seg_001.ts")
    assert segment.status_code == 200 and segment.content_type == "video/mp2t"
    ranged = client.get(f"{base}/media/720p.mp4", headers={"Range": "bytes=0-2"})
    assert ranged.status_code == 206 and ranged.data == b"mp4"
    assert client.get(f"{base}/media/poster.jpg").content_type == "image/jpeg"
    # names the conversion did not make, and anything that looks like a path, are 404
    for name in ("hls/1080p/index.m3u8", "hls/../poster.jpg", "hls/720p/x.exe", "media/1080p.mp4",
                 "media/original.mp4", "hls/720p/%00.ts", "media/..%2fposter.jpg"):
        assert client.get(f"{base}/{name}").status_code == 404, name
    # the trainee downloads the phone-sized rendition; the original is for trainers
    download = client.get(f"{base}/file?download=1")
    assert download.status_code == 200 and download.data == b"mp4 540"
    assert "mig-540p.mp4" in download.headers["Content-Disposition"]


def test_people_outside_the_course_get_nothing(client, login, world):
    video = world["video"]
    login(world["stranger"])
    for url in (f"/materials/{video.id}/hls/master.m3u8", f"/materials/{video.id}/media/540p.mp4",
                f"/materials/{video.id}/hls/720p/seg_000.ts"):
        assert client.get(url).status_code == 403, url
    client.post_form("/logout")
    assert client.get(f"/materials/{video.id}/hls/master.m3u8").status_code in (302, 401)


def test_trainers_keep_the_original(client, login, world):
    login(world["trainer"])
    assert client.get(f"/materials/{world['video'].id}/file").data == MP4


def test_a_video_not_yet_converted_plays_as_stored(client, login, world):
    plain = create_material(world["lesson"], data=MP4, filename="old.mp4", kind=MaterialKind.VIDEO,
                            content_type="video/mp4")
    login(world["trainee"])
    page = client.get(lesson_url(world)).get_data(as_text=True)
    assert f'<source src="/materials/{plain.id}/file" type="video/mp4">' in page
    assert client.get(f"/materials/{plain.id}/hls/master.m3u8").status_code == 404


def test_captions_in_the_viewers_language_are_preselected(client, login, world):
    video = world["video"]
    caption_service.store_captions(world["trainer"], video, "pl", VTT_PL.encode(), "spawanie.vtt")
    caption_service.store_captions(world["trainer"], video, "lt", SRT_LT.encode(), "suvirinimas.srt")
    _db.session.commit()
    login(world["trainee"])
    client.post_form("/language", {"language": "lt"})
    page = client.get(lesson_url(world)).get_data(as_text=True)
    tracks = re.findall(r"<track [^>]*>", page)
    assert len(tracks) == 2
    assert 'srclang="lt"' in tracks[1] and "default" in tracks[1] and "default" not in tracks[0]
    served = client.get(f"/materials/{video.id}/captions/lt.vtt")
    assert served.content_type == "text/vtt; charset=utf-8"
    assert served.get_data(as_text=True).startswith("WEBVTT") and "degiklio kampą" in served.get_data(as_text=True)
    assert client.get(f"/materials/{video.id}/captions/en.vtt").status_code == 404
    assert client.get(f"/materials/{video.id}/captions/xx.vtt").status_code == 404


def test_a_trainer_uploads_replaces_and_removes_captions(client, login, world):
    video = world["video"]
    url = f"/teach/materials/{video.id}/captions"
    login(world["trainer"])
    assert client.get(url).status_code == 200
    response = client.post_form(url, {"language": "lt", "file": (io.BytesIO(SRT_LT.encode()), "lt.srt")},
                                content_type="multipart/form-data")
    assert response.status_code == 303
    first = _db.session.scalar(select(Caption).where(Caption.material_id == video.id))
    first_key = first.storage_key
    assert first.cue_count == 1 and get_storage().exists(first_key)
    response = client.post_form(url, {"language": "lt", "file": (io.BytesIO(VTT_PL.encode()), "lt.vtt")},
                                content_type="multipart/form-data")
    assert response.status_code == 303
    _db.session.expire_all()
    replaced = _db.session.scalars(select(Caption).where(Caption.material_id == video.id)).all()
    assert len(replaced) == 1 and replaced[0].storage_key != first_key
    assert not get_storage().exists(first_key)  # the old file went with the commit; the audit entry keeps it
    assert _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "catalogue.captions_stored")
                              .order_by(AuditEntry.id.desc())).before["file"] == "lt.srt"
    response = client.post_form(f"{url}/lt/remove")
    assert response.status_code == 303
    assert _db.session.scalar(select(Caption).where(Caption.material_id == video.id)) is None


@pytest.mark.parametrize("data, filename", [
    (b"\x89PNG\r\n\x1a\n" + bytes(64), "captions.vtt"),
    (b"WEBVTT\n\nnot a cue\n", "captions.vtt"),
    (b"just some words", "captions.srt"),
    (VTT_PL.encode(), "captions.txt"),
])
def test_a_file_that_is_not_captions_gets_a_clear_message_and_changes_nothing(client, login, world, data, filename):
    login(world["trainer"])
    client.post_form("/language", {"language": "pl"})
    response = client.post_form(f"/teach/materials/{world['video'].id}/captions",
                                {"language": "pl", "file": (io.BytesIO(data), filename)},
                                content_type="multipart/form-data")
    assert response.status_code == 422
    assert "To nie jest plik napisów" in response.get_data(as_text=True)
    assert _db.session.scalar(select(Caption)) is None


def test_only_the_courses_trainers_manage_captions(client, login, world):
    video = world["video"]
    other_trainer = create_user(Role.TRAINER)
    for person, status in ((world["trainee"], 403), (other_trainer, 403)):
        login(person)
        assert client.get(f"/teach/materials/{video.id}/captions").status_code == status
        assert client.post_form(f"/teach/materials/{video.id}/captions",
                                {"language": "pl", "file": (io.BytesIO(VTT_PL.encode()), "a.vtt")},
                                content_type="multipart/form-data").status_code == status
    assert _db.session.scalar(select(Caption)) is None
    document = create_material(world["lesson"])
    login(world["trainer"])
    assert client.get(f"/teach/materials/{document.id}/captions").status_code == 404  # only videos have captions


def test_materials_in_the_viewers_language_come_first_and_others_are_offered(client, login, world):
    lesson = world["lesson"]
    world["video"].language = "pl"
    lithuanian = create_material(lesson, data=MP4, filename="lt.mp4", kind=MaterialKind.VIDEO,
                                 content_type="video/mp4", language="lt")
    only_polish = create_material(lesson, filename="Polish WPS.pdf", language="pl")
    _db.session.commit()
    login(world["trainee"])
    client.post_form("/language", {"language": "lt"})
    page = client.get(lesson_url(world)).get_data(as_text=True)
    main, _sep, aside = page.partition('<details class="other-languages">')
    assert f'data-material-id="{lithuanian.id}"' in main
    assert f'data-material-id="{world["video"].id}"' in aside  # its Lithuanian version is in the list
    assert "Polish WPS" in main  # nothing else in Lithuanian: it stays, marked with its language
    assert "(lenkų kalba)" in main.split("Polish WPS", 1)[1][:400]
    assert only_polish.status == MaterialStatus.READY


def test_the_lesson_duration_can_come_from_its_videos(client, login, world):
    lesson = world["lesson"]
    login(world["trainer"])
    page = client.get(f"/teach/lessons/{lesson.id}").get_data(as_text=True)
    assert f"/teach/lessons/{lesson.id}/duration-from-videos" in page
    assert client.post_form(f"/teach/lessons/{lesson.id}/duration-from-videos").status_code == 303
    _db.session.expire_all()
    assert _db.session.get(type(lesson), lesson.id).duration_minutes == 2  # 62 s, rounded up
    login(world["trainee"])
    assert client.post_form(f"/teach/lessons/{lesson.id}/duration-from-videos").status_code == 403


def test_on_s3_the_variant_playlist_sends_segments_straight_to_the_bucket(app, client, login, db, s3_config):
    original = app.extensions["mcc_storage"]
    app.extensions["mcc_storage"] = build_storage(s3_config)
    try:
        course = create_course()
        video = converted_video(first_lesson(course), heights=(360,))
        trainee = create_user()
        enrol(trainee, course)
        login(trainee)
        master = client.get(f"/materials/{video.id}/hls/master.m3u8").get_data(as_text=True)
        assert "360p/index.m3u8" in master and "X-Amz" not in master  # variants come back through the app
        variant = client.get(f"/materials/{video.id}/hls/360p/index.m3u8").get_data(as_text=True)
        urls = [line for line in variant.splitlines() if line and not line.startswith("#")]
        assert len(urls) == 2 and all("X-Amz-Signature" in url for url in urls)
        assert "#EXTINF:6.0," in variant and variant.rstrip().endswith("#EXT-X-ENDLIST")
        fetched = requests.get(urls[1], timeout=10)
        assert fetched.status_code == 200 and fetched.content == b"G" + bytes(187)
        assert fetched.headers["Content-Type"] == "video/mp2t"
    finally:
        app.extensions["mcc_storage"] = original
