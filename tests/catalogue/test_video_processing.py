"""Uploaded videos converted for phones (``app.catalogue.processing``).

With a real worker process, on local storage and on S3 (moto server): a generated 60 s 1080p film is probed,
converted into the renditions and the HLS ladder, and every output is checked by probing it; corrupt files named
.mp4 are refused and leave nothing in storage. In the test's process (``work_off``): a phone's portrait video, a
conversion that keeps failing, the conversion of videos stored before conversions existed, the purge of a deleted
video's outputs and what ``flask storage check`` knows of them.
"""

from __future__ import annotations

import os
import shutil
import time
from datetime import timedelta
from pathlib import Path

import av
import pytest
from sqlalchemy import select

from app.catalogue import video
from app.catalogue.maintenance import purge_deleted_materials
from app.catalogue.models import Material, MaterialKind, MaterialStatus, MediaStatus
from app.catalogue.processing import media_keys
from app.core.db import utcnow
from app.core.permissions import Role
from app.extensions import db
from app.jobs.models import OutboxMessage
from app.notifications.models import Notification
from app.storage import get_storage
from app.storage.references import all_references
from tests.catalogue import uploading
from tests.catalogue.samples import MP4
from tests.catalogue.videos import band_side, make_video, picture_size, playlist
from tests.dbutil import BACKENDS
from tests.factories import create_user
from tests.factories.catalogue import create_course, first_lesson
from tests.jobs.conftest import jobs_world, wait_for  # noqa: F401  (jobs_world: a fixture)
from tests.workoff import work_off

FILM_SECONDS = 60


@pytest.fixture(scope="session")
def film(tmp_path_factory) -> Path:
    """60 s of 1920x1080 moving pattern with a tone, made once per test session (12 fps, ultrafast: cheap)."""
    started = time.monotonic()
    path = make_video(tmp_path_factory.mktemp("film") / "film-1080p.mp4", FILM_SECONDS, 1920, 1080, fps=12)
    print(f"generated the 60 s 1080p film ({path.stat().st_size / 2**20:.1f} MiB) in "
          f"{time.monotonic() - started:.1f} s")
    return path


def stored_keys(storage, prefix: str = "") -> set[str]:
    return {stored.key for stored in storage.iter_objects(prefix)}


def fetch(storage, key: str, folder: Path) -> Path:
    """An object as a local file (to probe it), on either backend."""
    path = folder / key.replace("/", "_")
    with storage.open(key) as source, path.open("wb") as target:
        shutil.copyfileobj(source, target)
    return path


def read(app, statement):
    with app.app_context():
        try:
            return db.session.scalar(statement)
        finally:
            db.session.remove()


#: With PostgreSQL beside SQLite (CI), each database runs the worker once and each storage is used once (SQLite with
#: local storage, PostgreSQL with S3): converting is the expensive part, the pairing changes nothing in it.
STORAGES = ["local", "s3"] if len(BACKENDS) == 1 else ["paired"]


@pytest.fixture(params=STORAGES)
def worker_world(request, jobs_world, backend):  # noqa: F811  (the imported fixture, by name)
    """A trainer with a lesson, logged in, on local storage or on S3, and a worker process with the same settings."""
    storage = request.param if request.param != "paired" else ("local" if backend == "sqlite" else "s3")
    return jobs_world.trainer_uploading(request, storage)


# One queue is enough here: the queues themselves are tested in tests/jobs; the 60 s film runs once per backend.
@pytest.mark.parametrize("jobs_world", ["sqlite"], indirect=True)
def test_a_1080p_film_is_converted_into_renditions_an_hls_ladder_and_pictures(worker_world, film, tmp_path):
    world, client, lesson_id, trainer_id = worker_world
    app = world.app
    source = video.probe(film)
    response = uploading.upload(client, lesson_id, "spawanie-1080p.mp4", film.read_bytes())
    assert response.status_code == 202, response.get_data(as_text=True)
    material_id, status_url = response.json["material"]["id"], response.json["material"]["status_url"]
    started, progress = time.monotonic(), set()

    def converted():
        state = client.get(status_url).json["material"]
        if state["progress"] is not None:
            progress.add(state["progress"])
        return state["media_status"] == "ready"

    wait_for(converted, 600, "the conversion")
    print(f"[{get_storage_name(app)}] upload verified and converted in {time.monotonic() - started:.1f} s; "
          f"progress seen: {sorted(progress)}")
    assert any(0 < percent < 100 for percent in progress)  # the trainer's page saw it advance
    state = client.get(status_url).json["material"]
    assert (state["status"], state["progress"], state["message"]) == ("ready", None, None)

    with app.app_context():
        storage = get_storage()
        material = db.session.get(Material, material_id)
        media = material.media
        assert (material.status, material.media_status, material.media_progress) == (
            MaterialStatus.READY, MediaStatus.READY, 100)
        assert material.duration_seconds == pytest.approx(FILM_SECONDS, abs=0.5)
        prefix = f"{material.storage_key}.media/"
        assert media["prefix"] == prefix and media["probe"] == source.as_dict()
        # Exactly what the media lists is stored under the prefix, and all of it is known to `storage check`.
        assert stored_keys(storage, prefix) == set(media_keys(media))
        assert set(media_keys(media)) <= set(all_references())
        assert [(r["width"], r["height"]) for r in media["renditions"]] == [(640, 360), (960, 540), (1280, 720)]
        for rendition in media["renditions"]:
            assert rendition["key"] == f"{prefix}{rendition['height']}p.mp4"
            probe = video.probe(fetch(storage, rendition["key"], tmp_path))
            assert (probe.video_codec, probe.audio_codec, probe.width, probe.height, probe.rotation) == (
                "h264", "aac", rendition["width"], rendition["height"], 0)
            assert abs(probe.duration - source.duration) < 0.5
            assert rendition["size"] == storage.head(rendition["key"]).size and rendition["bitrate"] > 0

        assert media["hls"]["master"] == f"{prefix}hls/master.m3u8"
        master = storage.read_range(media["hls"]["master"], 0, 10**6).decode()
        variants = playlist(master)
        assert [uri for uri, _ in variants] == ["360p/index.m3u8", "540p/index.m3u8", "720p/index.m3u8"]
        assert "RESOLUTION=1280x720" in master and master.count("BANDWIDTH=") == 3 and "CODECS=" in master
        timelines = []
        for uri, _ in variants:
            key = f"{prefix}hls/{uri}"
            text = storage.read_range(key, 0, 10**6).decode()
            assert "#EXT-X-PLAYLIST-TYPE:VOD" in text and text.rstrip().endswith("#EXT-X-ENDLIST")
            segments = playlist(text)
            assert all("/" not in name and ":" not in name for name, _ in segments)  # relative URIs
            assert abs(sum(seconds for _, seconds in segments) - source.duration) < 0.5
            assert all(3.5 <= seconds <= 6.5 for _, seconds in segments[:-1])
            folder = key.rsplit("/", 1)[0]
            for name, _ in segments:
                assert storage.exists(f"{folder}/{name}")
            with av.open(str(fetch(storage, f"{folder}/{segments[0][0]}", tmp_path))) as segment:
                assert segment.format.name == "mpegts"  # (video.probe reads only the formats uploads may be)
                stream = segment.streams.video[0]
                assert stream.codec_context.name == "h264" and stream.height == int(uri.split("p/")[0])
            timelines.append([seconds for _, seconds in segments])
        assert timelines[0] == timelines[1] == timelines[2]  # a player switches renditions at any segment

        assert picture_size(fetch(storage, media["poster"], tmp_path)) == ("mjpeg", 1280, 720)
        assert len(media["thumbnails"]) == 4
        for thumbnail in media["thumbnails"]:
            assert picture_size(fetch(storage, thumbnail["key"], tmp_path)) == ("mjpeg", 320, 180)
        assert [t["at"] for t in media["thumbnails"]] == sorted(t["at"] for t in media["thumbnails"])

        assert storage.exists(material.storage_key)  # the original stays, for its trainers
        kinds = db.session.scalars(select(Notification.kind).where(Notification.user_id == trainer_id)).all()
        assert kinds == ["upload.processed"]  # told once, when it is ready to watch
        db.session.remove()


def get_storage_name(app) -> str:
    return app.extensions["mcc_storage"].name


@pytest.mark.parametrize("jobs_world", ["sqlite"], indirect=True)
def test_corrupt_videos_are_refused_with_a_message_and_leave_nothing_in_storage(worker_world, tmp_path):
    world, client, lesson_id, trainer_id = worker_world
    app = world.app
    whole = make_video(tmp_path / "whole.mp4", 4, 160, 120)  # its index (moov) comes last
    files = {"szum.mp4": MP4[:64] + os.urandom(40_000),  # a believable header, then noise
             "urwany.mp4": whole.read_bytes()[:whole.stat().st_size // 2]}  # cut off before its index
    ids = {}
    for name, data in files.items():
        response = uploading.upload(client, lesson_id, name, data)
        assert response.status_code == 202
        ids[name] = (response.json["material"]["id"], response.json["material"]["status_url"])
    for name, (material_id, status_url) in ids.items():
        wait_for(lambda: read(app, select(Material.status).where(Material.id == material_id))  # noqa: B023
                 == MaterialStatus.REFUSED, 60, f"the refusal of {name}")
        state = client.get(status_url).json["material"]
        assert state["message"] == f"Ten plik nie jest filmem, który możemy odtworzyć ({name}). Nie został zapisany."
        assert state["media_status"] == "none" and state["progress"] is None
    with app.app_context():
        storage = get_storage()
        # Only the uploads' objects: a worker crossing ten past the hour also files the public offer catalogue
        # (app.network.catalogue's schedule) under generated/.
        wait_for(lambda: {k for k in stored_keys(storage) if not k.startswith("generated/")} == set(), 30,
                 "the deletion of every object")
        assert storage.list_multipart_uploads() == []
        refusals = db.session.scalars(select(Material.refusal)).all()
        assert refusals == ["not_video", "not_video"]
        notices = db.session.scalars(select(Notification).where(Notification.user_id == trainer_id)).all()
        assert sorted(n.params["name"] for n in notices) == sorted(files)
        assert {n.kind for n in notices} == {"upload.refused"}
        db.session.remove()


# -- in the test's process ------------------------------------------------------------------------------------------
@pytest.fixture
def trainer_lesson(client, login, db):
    trainer = create_user(Role.TRAINER, language="lt")
    lesson = first_lesson(create_course(trainers=[trainer]))
    login(trainer)
    return trainer, lesson


def test_a_portrait_phone_video_is_converted_upright(client, db, trainer_lesson, tmp_path):
    _trainer, lesson = trainer_lesson
    phone = make_video(tmp_path / "phone.mp4", 3, 640, 360, rotation=90)
    response = uploading.upload(client, lesson.id, "telefonas.mp4", phone.read_bytes())
    assert work_off("catalogue.verify_upload", "catalogue.process_video") == ["done", "done"]
    material = db.session.get(Material, response.json["material"]["id"])
    assert material.media["probe"]["rotation"] == 90
    assert [(r["width"], r["height"]) for r in material.media["renditions"]] == [(202, 360), (304, 540)]
    storage = get_storage()
    for rendition in material.media["renditions"]:
        path = storage.local_path(rendition["key"])
        assert video.probe(path).rotation == 0 and band_side(path) == "right"  # turned, not flagged
    assert picture_size(storage.local_path(material.media["poster"]))[1:] == (304, 540)


def test_a_conversion_that_keeps_failing_leaves_the_original_served_and_the_uploader_told(
        client, db, trainer_lesson, monkeypatch):
    trainer, lesson = trainer_lesson
    response = uploading.upload(client, lesson.id, "suvirinimas.mp4", MP4)
    assert work_off("catalogue.verify_upload") == ["done"]
    calls = []

    def broken(path, out_dir, *args, **kwargs):
        calls.append(out_dir)
        (out_dir / "360p.mp4").parent.mkdir(parents=True, exist_ok=True)
        raise OSError("disk full")

    monkeypatch.setattr(video, "convert", broken)
    material = db.session.get(Material, response.json["material"]["id"])
    prefix = f"{material.storage_key}.media/"
    storage = get_storage()
    with open(__file__, "rb") as leftover:  # left by an attempt that died mid-way
        storage.save(prefix + "360p.mp4", leftover)
    outcomes = []
    for _attempt in range(3):
        outcomes += work_off("catalogue.process_video")
        message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "catalogue.process_video"))
        message.available_at = utcnow()  # the retry is due now
        db.session.commit()
    assert outcomes == ["failed", "failed", "done"] and len(calls) == 3
    db.session.refresh(material)
    assert (material.status, material.media_status, material.media) == (
        MaterialStatus.READY, MediaStatus.FAILED, {"error": "conversion_failed"})
    assert stored_keys(storage, prefix) == set() and storage.exists(material.storage_key)
    state = client.get(response.json["material"]["status_url"]).json["material"]
    assert state["status"] == "ready" and state["media_status"] == "failed"
    assert state["message"] == "Vaizdo įrašo nepavyko konvertuoti telefonams; failas rodomas toks, koks buvo įkeltas."
    notice = db.session.scalar(select(Notification).where(Notification.user_id == trainer.id))
    assert notice.kind == "upload.conversion_failed" and notice.params["reason"]["pl"].startswith("Nie udało się")
    assert client.get(f"/materials/{material.id}/file").status_code == 200  # the original is served


def test_videos_stored_before_conversions_existed_are_converted_on_request(app, client, db, trainer_lesson):
    _trainer, lesson = trainer_lesson
    response = uploading.upload(client, lesson.id, "senas.mp4", MP4)
    assert work_off("catalogue.verify_upload") == ["done"]
    material = db.session.get(Material, response.json["material"]["id"])
    # As it was before this change: ready, served as stored, never converted.
    material.status, material.media_status, material.media = MaterialStatus.READY, MediaStatus.NONE, {}
    db.session.execute(OutboxMessage.__table__.delete())
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["courses", "process-videos"])
    assert result.exit_code == 0 and "1 videos queued" in result.output, result.output
    db.session.refresh(material)
    assert material.media_status == MediaStatus.PROCESSING and material.status == MaterialStatus.READY
    assert work_off("catalogue.process_video") == ["done"]
    db.session.refresh(material)
    assert material.media_status == MediaStatus.READY and material.kind == MaterialKind.VIDEO
    assert [(r["width"], r["height"]) for r in material.media["renditions"]] == [(64, 48)]  # never upscaled
    assert "0 videos queued" in app.test_cli_runner().invoke(args=["courses", "process-videos"]).output


def test_an_unreadable_video_already_served_is_kept_as_it_is(app, client, db, trainer_lesson):
    _trainer, lesson = trainer_lesson
    response = uploading.upload(client, lesson.id, "stary.mp4", MP4)
    assert work_off("catalogue.verify_upload") == ["done"]
    material = db.session.get(Material, response.json["material"]["id"])
    material.status, material.media_status, material.media = MaterialStatus.READY, MediaStatus.NONE, {}
    db.session.execute(OutboxMessage.__table__.delete())
    db.session.commit()
    with get_storage().local_path(material.storage_key).open("r+b") as stored:  # damaged after it was served
        stored.seek(len(MP4) // 2)
        stored.write(os.urandom(len(MP4) // 2))
    assert app.test_cli_runner().invoke(args=["courses", "process-videos"]).exit_code == 0
    assert work_off("catalogue.process_video") == ["done"]
    db.session.refresh(material)
    assert (material.status, material.media_status, material.deleted_at) == (
        MaterialStatus.READY, MediaStatus.FAILED, None)
    assert get_storage().exists(material.storage_key)  # never refused: trainees had it


def test_a_purged_video_takes_its_outputs_along(client, db, trainer_lesson):
    _trainer, lesson = trainer_lesson
    response = uploading.upload(client, lesson.id, "filmas.mp4", MP4)
    assert work_off("catalogue.verify_upload", "catalogue.process_video") == ["done", "done"]
    material = db.session.get(Material, response.json["material"]["id"])
    storage = get_storage()
    prefix = f"{material.storage_key}.media/"
    assert stored_keys(storage) == {material.storage_key, *media_keys(material.media)}
    assert stored_keys(storage) <= set(all_references())  # nothing `flask storage check` would call an orphan
    material.deleted_at = utcnow() - timedelta(days=31)
    db.session.commit()
    assert purge_deleted_materials(timedelta(days=30)) == 1
    assert stored_keys(storage) == set() and stored_keys(storage, prefix) == set()
    assert not set(media_keys(material.media)) & set(all_references())


def test_progress_renews_the_lease_and_a_busy_database_never_fails_the_conversion(client, db, trainer_lesson,
                                                                                   monkeypatch):
    from sqlalchemy.exc import OperationalError

    from app.catalogue import processing

    _trainer, lesson = trainer_lesson
    response = uploading.upload(client, lesson.id, "film.mp4", MP4)
    assert work_off("catalogue.verify_upload") == ["done"]
    material_id = response.json["material"]["id"]
    real_convert, seen = video.convert, {}

    def observed(path, out_dir, heights, **options):
        progress = options["on_progress"]
        progress(0.3)
        seen["lease"] = db.session.scalar(select(OutboxMessage.locked_until).where(
            OutboxMessage.kind == "catalogue.process_video"))
        seen["progress"] = db.session.scalar(select(Material.media_progress).where(Material.id == material_id))
        time.sleep(1.05)  # progress is written at most once a second

        def busy(seconds):
            raise OperationalError("UPDATE outbox_messages", {}, Exception("database is locked"))

        with monkeypatch.context() as patched:
            patched.setattr(processing, "hold", busy)
            progress(0.6)  # skipped, not fatal
        seen["after busy"] = db.session.scalar(select(Material.media_progress).where(Material.id == material_id))
        return real_convert(path, out_dir, heights, **options)

    monkeypatch.setattr(video, "convert", observed)
    assert work_off("catalogue.process_video") == ["done"]
    assert seen["progress"] == seen["after busy"] == 30
    # The one-hour lease runs from the last sign of life, not from the start of the job.
    assert seen["lease"] > utcnow() + timedelta(minutes=59)
    material = db.session.get(Material, material_id)
    assert material.media_status == MediaStatus.READY and material.media_progress == 100
