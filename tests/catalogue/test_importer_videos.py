"""Videos in course files: imported like an upload (stored, captions stored, handed to the conversion job), and a
second import of unchanged files changes nothing."""

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from app.catalogue import importer
from app.catalogue.models import Caption, Material, MaterialStatus, MediaStatus
from app.jobs.models import OutboxMessage
from app.storage import get_storage
from tests.catalogue.samples import MP4

FIXTURES = Path(__file__).parent / "fixtures" / "courses"
VIDEO = """          - key: intro-video
            kind: video
            file: files/intro.mp4
            language: pl
            captions: {pl: files/intro.pl.vtt, lt: files/intro.lt.vtt, en: files/intro.en.vtt}
            title: {pl: "Wideo", lt: "Vaizdo įrašas", en: "Video"}
"""
CUES = {"pl": "Oś Z jest równoległa do wrzeciona.", "lt": "Z ašis lygiagreti verpstei.",
        "en": "The Z axis is parallel to the spindle."}


@pytest.fixture
def courses_dir(tmp_path):
    target = tmp_path / "courses"
    shutil.copytree(FIXTURES, target)
    files = target / "cnc" / "files"
    (files / "intro.mp4").write_bytes(MP4)
    for language, text in CUES.items():
        (files / f"intro.{language}.vtt").write_text(f"WEBVTT\n\n00:00:00.000 --> 00:00:01.500\n{text}\n",
                                                      encoding="utf-8")
    course = target / "cnc" / "course.yaml"
    first = "          - key: face-milling"
    course.write_text(course.read_text(encoding="utf-8").replace(first, VIDEO + first), encoding="utf-8")
    return target


def video(db) -> Material:
    return db.session.scalar(select(Material).where(Material.key == "intro-video"))


def conversions(db) -> list[dict]:
    return [m.payload for m in db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "catalogue.process_video").order_by(OutboxMessage.id))]


def finish_conversion(db, material: Material) -> None:
    """What the worker records when it is done (the conversion itself is tested in test_processing)."""
    material.status, material.media_status, material.media_progress = MaterialStatus.READY, MediaStatus.READY, 100
    material.media = {"prefix": f"{material.storage_key}.media/",
                      "renditions": [{"height": 48, "width": 64, "key": f"{material.storage_key}.media/48p.mp4"}]}
    db.session.commit()


def test_a_video_is_stored_with_its_captions_and_handed_to_the_conversion(db, courses_dir):
    report = importer.import_courses(courses_dir)
    db.session.commit()
    material = video(db)
    assert material.language == "pl" and material.original_filename == "intro.mp4"
    assert get_storage().sha256(material.storage_key) == material.sha256
    # Like an upload: hidden from trainees until the worker has made the phone renditions.
    assert material.status == MaterialStatus.PROCESSING and material.media_status == MediaStatus.PROCESSING
    assert conversions(db) == [{"material": material.id, "link": None}]
    captions = {c.language: c for c in material.captions}
    assert set(captions) == {"pl", "lt", "en"} and all(c.cue_count == 1 for c in captions.values())
    assert CUES["lt"] in get_storage().open(captions["lt"].storage_key).read().decode("utf-8")
    assert "captions gcode/intro-video lt" in report.created
    assert db.session.scalar(select(Material).where(Material.key == "face-milling")).language == "any"


def test_a_second_import_of_unchanged_files_changes_nothing(db, courses_dir):
    importer.import_courses(courses_dir)
    db.session.commit()
    finish_conversion(db, video(db))
    objects = sorted(o.key for o in get_storage().iter_objects())
    report = importer.import_courses(courses_dir)
    db.session.commit()
    db.session.expire_all()
    assert not report.changed and report.new_objects == []
    assert sorted(o.key for o in get_storage().iter_objects()) == objects
    material = video(db)
    assert material.status == MaterialStatus.READY and material.media_status == MediaStatus.READY
    assert len(conversions(db)) == 1


def test_a_changed_video_is_replaced_and_converted_again(db, courses_dir):
    importer.import_courses(courses_dir)
    db.session.commit()
    material = video(db)
    finish_conversion(db, material)
    old_key, old_rendition = material.storage_key, material.media["renditions"][0]["key"]
    (courses_dir / "cnc" / "files" / "intro.mp4").write_bytes(MP4 + b"\x00" * 16)
    report = importer.import_courses(courses_dir)
    db.session.commit()
    material = video(db)
    assert material.storage_key != old_key and not get_storage().exists(old_key)
    assert report.obsolete_objects == [old_key, old_rendition]  # the old conversion's outputs go with it
    assert material.status == MaterialStatus.PROCESSING and material.media_status == MediaStatus.PROCESSING
    assert material.media == {} and [p["material"] for p in conversions(db)] == [material.id, material.id]
    assert len(material.captions) == 3  # the captions did not change: kept


def test_changed_captions_replace_the_ones_of_their_language(db, courses_dir):
    importer.import_courses(courses_dir)
    db.session.commit()
    before = {c.language: c.storage_key for c in video(db).captions}
    (courses_dir / "cnc" / "files" / "intro.lt.vtt").write_text(
        "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nZ ašis.\n\n00:00:01.000 --> 00:00:02.000\nVerpstė.\n",
        encoding="utf-8")
    report = importer.import_courses(courses_dir)
    db.session.commit()
    db.session.expire_all()
    after = {c.language: c for c in video(db).captions}
    assert report.updated == ["captions gcode/intro-video lt"]
    assert after["lt"].cue_count == 2 and after["lt"].storage_key != before["lt"]
    assert not get_storage().exists(before["lt"])
    assert {lang: after[lang].storage_key for lang in ("pl", "en")} == {k: before[k] for k in ("pl", "en")}
    assert len(conversions(db)) == 1 and db.session.scalar(select(Caption.id).where(Caption.language == "lt"))


def test_a_video_the_worker_refused_is_stored_and_converted_again_by_the_next_import(db, courses_dir):
    from app.catalogue.uploads import refuse_material

    importer.import_courses(courses_dir)
    db.session.commit()
    material = video(db)
    old_key = material.storage_key
    material.media_status = MediaStatus.NONE
    refuse_material(material, "not_video", get_storage(), None)  # what the worker does with an unreadable video
    db.session.commit()
    assert not get_storage().exists(old_key)
    importer.import_courses(courses_dir)
    db.session.commit()
    material = video(db)
    assert material.deleted_at is None and material.purged_at is None and material.refusal is None
    assert material.storage_key != old_key and get_storage().exists(material.storage_key)
    assert material.status == MaterialStatus.PROCESSING and len(conversions(db)) == 2


@pytest.mark.parametrize(("edit", "message"), [
    (lambda t: t.replace("            language: pl", "            language: de"),
     r"lesson gcode material intro-video: 'language' is 'de'; use one of pl, lt, en, any"),
    (lambda t: t.replace("{pl: files/intro.pl.vtt,", "{de: files/intro.pl.vtt,"),
     r"material intro-video: 'captions' has unknown languages \['de'\]"),
    (lambda t: t.replace("captions: {pl: files/intro.pl.vtt, lt: files/intro.lt.vtt, en: files/intro.en.vtt}",
                         "captions: files/intro.pl.vtt"), r"material intro-video: 'captions' must map languages"),
    (lambda t: t.replace("lt: files/intro.lt.vtt", "lt: files/missing.vtt"),
     r"material intro-video captions lt: file 'files/missing.vtt' not found"),
    (lambda t: t.replace("kind: cnc_program", "kind: cnc_program\n            captions: {pl: files/intro.pl.vtt}"),
     r"material face-milling: only videos have 'captions'"),
])
def test_a_bad_language_or_caption_is_refused_naming_the_file_and_key(db, courses_dir, edit, message):
    course = courses_dir / "cnc" / "course.yaml"
    course.write_text(edit(course.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(importer.CourseFileError, match=message) as refused:
        importer.import_courses(courses_dir)
    assert str(course) in str(refused.value)


def test_a_caption_file_that_is_not_webvtt_or_srt_is_refused(db, courses_dir):
    (courses_dir / "cnc" / "files" / "intro.en.vtt").write_text("just some text\n", encoding="utf-8")
    with pytest.raises(importer.CourseFileError, match=r"captions en: intro.en.vtt: This is not a caption file"):
        importer.import_courses(courses_dir)
