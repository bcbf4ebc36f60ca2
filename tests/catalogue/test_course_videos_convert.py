"""The videos of a real curriculum, imported, are converted by the worker like any upload and then shown."""

import shutil
from pathlib import Path

from sqlalchemy import select

from app.catalogue import importer
from app.catalogue.models import Material, MaterialKind, MaterialStatus, MediaStatus
from app.storage import get_storage
from tests.workoff import work_off

COURSES = Path(__file__).resolve().parents[2] / "courses"


def test_the_imported_laser_videos_are_converted_for_phones(app, db, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MEDIA_RENDITION_HEIGHTS", (360,))  # one rendition is enough to show it works
    root = tmp_path / "courses"
    root.mkdir()
    shutil.copy(COURSES / "specialisations.yaml", root)
    shutil.copytree(COURSES / "laser", root / "laser")
    importer.import_courses(root)
    db.session.commit()
    assert work_off("catalogue.process_video") == ["done", "done"]
    db.session.expire_all()
    videos = list(db.session.scalars(select(Material).where(Material.kind == MaterialKind.VIDEO)))
    assert len(videos) == 2
    for material in videos:
        assert material.status == MaterialStatus.READY and material.media_status == MediaStatus.READY
        assert 40 <= material.media["probe"]["duration"] <= 50 and material.media["probe"]["audio_codec"] == "aac"
        assert [(r["width"], r["height"]) for r in material.media["renditions"]] == [(640, 360)]
        assert get_storage().exists(material.media["hls"]["master"]) and len(material.captions) == 3
