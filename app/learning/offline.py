"""What a trainee's device saves when a course is made "available offline": the course and lesson pages, the
lessons' files (PDFs, drawings, images, sound) and the smallest rendition of each converted video with its poster
and captions — the URLs the browser itself fetches, with their sizes so that the device can check its quota first.

A video not converted for phones is left out (its original may be gigabytes); so are links (nothing stored).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for

from app.catalogue.models import Course, MaterialKind
from app.catalogue.outline import Outline
from app.core.translated import pick, viewer_language
from app.learning.materials import by_language, shown_materials
from app.learning.player import converted, lowest_rendition

#: What a lesson or course page weighs in the cache (HTML only; its scripts and styles are the app shell).
PAGE_BYTES = 40_000
#: Captions and posters are small; their exact size is not stored.
SMALL_FILE_BYTES = 50_000


@dataclass(frozen=True)
class SavedFile:
    url: str
    size: int


def offline_files(course: Course, outline: Outline, can_manage: bool = False) -> list[SavedFile]:
    """The URLs to save for ``course`` (its ``outline``: ``app.catalogue.outline``), in reading order
    (``can_manage``: the lesson pages also list uploads still being checked; they are not saved either way)."""
    language = viewer_language()
    files = [SavedFile(url_for("learning.course", course_id=course.id), PAGE_BYTES)]
    for module in outline.modules:
        for lesson in module.lessons:
            files.append(SavedFile(url_for("learning.lesson", course_id=course.id, lesson_id=lesson.id), PAGE_BYTES))
            first, _others = by_language(shown_materials(lesson, can_manage), language)
            for material in first:
                files += _material_files(material)
    return files


def _material_files(material) -> list[SavedFile]:
    from app.catalogue.models import MaterialStatus

    if material.kind == MaterialKind.LINK or material.status != MaterialStatus.READY or not material.storage_key:
        return []
    if material.kind != MaterialKind.VIDEO:
        return [SavedFile(url_for("learning.material_file", material_id=material.id), material.size or 0)]
    if not converted(material):
        return []
    media = material.media or {}
    lowest = lowest_rendition(material)
    files = [SavedFile(url_for("learning.material_media", material_id=material.id,
                               name=lowest["key"].rsplit("/", 1)[-1]), int(lowest.get("size") or 0))]
    if media.get("poster"):
        files.append(SavedFile(url_for("learning.material_media", material_id=material.id, name="poster.jpg"),
                               SMALL_FILE_BYTES))
    files += [SavedFile(url_for("learning.material_captions", material_id=material.id, language=c.language),
                        SMALL_FILE_BYTES) for c in material.captions]
    return files


def offline_bundle(course: Course, outline: Outline) -> dict:
    """The answer of the course's offline endpoint."""
    files = offline_files(course, outline)
    return {"course": course.id, "title": pick(course.title, course.source_language),
            "files": [{"url": f.url, "size": f.size} for f in files], "size": sum(f.size for f in files)}
