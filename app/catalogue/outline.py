"""A course's outline — modules, lessons, materials, captions, quiz titles — built once per content version.

The course and lesson pages (and whatever lists a course's lessons) read it instead of loading the rows again on
every request. It is a plain, picklable, immutable structure keyed by course id and ``Course.content_version``
(which every edit changes, ``app.catalogue.versions``), kept in the app's cache (Redis when ``MCC_CACHE_URL`` is
set, per process otherwise) and, in front of it, in a small per-process memory: a version never changes meaning,
so neither copy can be stale.

Nothing personal or permission-dependent is decided here: titles are kept in every language (each viewer picks
theirs), and materials keep their status and deletion, so each page filters what its viewer may see
(``app.learning.materials.shown_materials``).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime

from flask_caching.backends import NullCache
from markupsafe import Markup
from sqlalchemy import select

from app.catalogue.markdown import render_markdown
from app.catalogue.models import Caption, Course, Lesson, Material, MaterialKind, MaterialStatus, MediaStatus, Module
from app.core.translated import pick_with_language, viewer_language
from app.extensions import cache, db

log = logging.getLogger(__name__)

#: Part of every key: raise it when the outline's classes or a kept page part change shape, so that processes of a
#: new release never read what an older one stored in the shared cache (nor the other way round).
FORMAT = 1
#: How long the shared cache keeps an outline (a newer version is a new key; old ones just expire).
OUTLINE_SECONDS = 24 * 3600
#: Outlines, lesson texts and programmes kept in each process's memory (a few kB to a few dozen kB each)...
LOCAL_ENTRIES = 512
#: ...but no rendered text longer than this (a lesson's Markdown may reach 100,000 characters).
LOCAL_MAX_CHARS = 32_000


@dataclass(frozen=True, slots=True)
class OutlineCaption:
    language: str


@dataclass(frozen=True, slots=True)
class OutlineMaterial:
    """The columns of a ``Material`` the lesson page, the player and the offline bundle read (same names)."""

    id: int
    lesson_id: int
    kind: MaterialKind
    status: MaterialStatus
    title: dict
    language: str
    url: str | None
    storage_key: str | None
    original_filename: str | None
    size: int | None
    content_type: str | None
    deleted_at: datetime | None
    media_status: MediaStatus
    media_progress: int
    media: dict
    captions: tuple[OutlineCaption, ...] = ()


@dataclass(frozen=True, slots=True)
class OutlineQuiz:
    id: int
    title: dict
    position: int
    lesson_id: int | None
    module_id: int | None


@dataclass(frozen=True, slots=True)
class OutlineLesson:
    id: int
    key: str
    module_id: int
    title: dict
    duration_minutes: int
    materials: tuple[OutlineMaterial, ...] = ()


@dataclass(frozen=True, slots=True)
class OutlineModule:
    id: int
    title: dict
    lessons: tuple[OutlineLesson, ...] = ()


@dataclass(frozen=True)
class Outline:
    course_id: int
    version: str
    modules: tuple[OutlineModule, ...]
    #: The course's quizzes in their order (attached to a lesson or to a module).
    quizzes: tuple[OutlineQuiz, ...] = ()
    _index: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        # lesson id -> (position in reading order, lesson, module): built once, also after unpickling.
        self._index.update({lesson.id: (n, lesson, module) for n, (module, lesson) in enumerate(
            (module, lesson) for module in self.modules for lesson in module.lessons)})

    def __getstate__(self):
        return {"course_id": self.course_id, "version": self.version, "modules": self.modules,
                "quizzes": self.quizzes}

    def __setstate__(self, state):
        for name, value in state.items():
            object.__setattr__(self, name, value)
        object.__setattr__(self, "_index", {})
        self.__post_init__()

    @property
    def lessons(self) -> list[OutlineLesson]:
        """Every lesson in reading order."""
        return [lesson for _n, lesson, _module in self._index.values()]

    @property
    def first_lesson(self) -> OutlineLesson | None:
        return next((lesson for module in self.modules for lesson in module.lessons), None)

    def lesson(self, lesson_id: int) -> OutlineLesson | None:
        found = self._index.get(lesson_id)
        return found[1] if found else None

    def module_of(self, lesson_id: int) -> OutlineModule | None:
        found = self._index.get(lesson_id)
        return found[2] if found else None

    def neighbours(self, lesson_id: int) -> tuple[OutlineLesson | None, OutlineLesson | None]:
        """The lessons before and after this one in reading order (across modules)."""
        ordered = self.lessons
        n = self._index[lesson_id][0]
        return (ordered[n - 1] if n > 0 else None), (ordered[n + 1] if n + 1 < len(ordered) else None)

    def quizzes_of(self, lesson: OutlineLesson) -> list[OutlineQuiz]:
        """The quizzes shown under a lesson: its own, and those of its module not attached to a lesson."""
        return [q for q in self.quizzes if q.lesson_id == lesson.id
                or (q.lesson_id is None and q.module_id == lesson.module_id)]


#: The model whose rows are the outline's quizzes: learning owns quizzes and registers it
#: (``register_outline_quizzes``), so the catalogue shows their titles without importing learning.
_QUIZ_MODELS: list[type] = []


def register_outline_quizzes(model: type) -> None:
    _QUIZ_MODELS[:] = [model]


def build_outlines(versions: dict[int, str]) -> dict[int, Outline]:
    """The outlines of these courses (id: content version) from the database, in five queries whatever their
    number and size."""
    ids = list(versions)
    if not ids:
        return {}
    modules = db.session.execute(select(Module.course_id, Module.id, Module.title).where(Module.course_id.in_(ids))
                                 .order_by(Module.position, Module.id)).all()
    lessons = db.session.execute(select(Lesson.id, Lesson.key, Lesson.module_id, Lesson.title,
                                        Lesson.duration_minutes)
                                 .where(Lesson.course_id.in_(ids)).order_by(Lesson.position, Lesson.id)).all()
    material_rows = db.session.execute(
        select(Material.id, Material.lesson_id, Material.kind, Material.status, Material.title, Material.language,
               Material.url, Material.storage_key, Material.original_filename, Material.size, Material.content_type,
               Material.deleted_at, Material.media_status, Material.media_progress, Material.media)
        .join(Lesson, Lesson.id == Material.lesson_id).where(Lesson.course_id.in_(ids))
        .order_by(Material.position, Material.id)).all()
    captions: dict[int, list[OutlineCaption]] = {}
    if material_rows:
        for material_id, language in db.session.execute(
                select(Caption.material_id, Caption.language).join(Material, Material.id == Caption.material_id)
                .join(Lesson, Lesson.id == Material.lesson_id).where(Lesson.course_id.in_(ids))
                .order_by(Caption.language)):
            captions.setdefault(material_id, []).append(OutlineCaption(language))
    quizzes: dict[int, list[OutlineQuiz]] = {}
    for quiz in _QUIZ_MODELS:
        for course_id, *row in db.session.execute(
                select(quiz.course_id, quiz.id, quiz.title, quiz.position, quiz.lesson_id, quiz.module_id)
                .where(quiz.course_id.in_(ids)).order_by(quiz.position, quiz.id)):
            quizzes.setdefault(course_id, []).append(OutlineQuiz(*row))
    by_lesson: dict[int, list[OutlineMaterial]] = {}
    for row in material_rows:
        values = row._asdict() | {"media": row.media or {}, "title": row.title or {}}
        by_lesson.setdefault(row.lesson_id, []).append(
            OutlineMaterial(**values, captions=tuple(captions.get(row.id, ()))))
    by_module: dict[int, list[OutlineLesson]] = {}
    for row in lessons:
        by_module.setdefault(row.module_id, []).append(OutlineLesson(
            row.id, row.key, row.module_id, row.title or {}, row.duration_minutes or 0,
            tuple(by_lesson.get(row.id, ()))))
    by_course: dict[int, list[OutlineModule]] = {}
    for row in modules:
        by_course.setdefault(row.course_id, []).append(
            OutlineModule(row.id, row.title or {}, tuple(by_module.get(row.id, ()))))
    return {course_id: Outline(course_id, version, tuple(by_course.get(course_id, ())),
                               tuple(quizzes.get(course_id, ())))
            for course_id, version in versions.items()}


def build_outline(course_id: int, version: str) -> Outline:
    return build_outlines({course_id: version})[course_id]


_local: OrderedDict[str, object] = OrderedDict()
_local_lock = threading.Lock()


def _use_cache() -> bool:
    """Not when the app caches nothing (the tests' default: every change seen at once, every query counted)."""
    return not isinstance(cache.cache, NullCache)


def kept(key: str, kind: type, build):
    """The value of ``key`` (which must name a content version: it never changes meaning) from this process's memory,
    else the shared cache, else ``build()`` (stored in both). The cache only saves work: when it is unreachable
    the value is built."""
    if not _use_cache():
        return build()
    with _local_lock:
        found = _local.get(key)
        if found is not None:
            _local.move_to_end(key)
            return found
    try:
        found = cache.get(key)
    except Exception:
        log.warning("cache unreachable; building %s", key, exc_info=True)
        found = None
    if not isinstance(found, kind):
        found = build()
        try:
            cache.set(key, found, timeout=OUTLINE_SECONDS)
        except Exception:
            log.warning("cache unreachable; %s not stored", key)
    if _small(found):  # a long lesson text is fetched from the shared cache each time, not held by every process
        _remember(key, found)
    return found


def _small(value) -> bool:
    text = value[0] if isinstance(value, tuple) and value and isinstance(value[0], str) else value
    return not isinstance(text, str) or len(text) <= LOCAL_MAX_CHARS


def _remember(key: str, value) -> None:
    with _local_lock:
        _local[key] = value
        while len(_local) > LOCAL_ENTRIES:
            _local.popitem(last=False)


def outline_of(course: Course) -> Outline:
    """The course's outline for its current content version."""
    return outline_for(course.id, course.content_version)


def outline_for(course_id: int, version: str) -> Outline:
    return kept(_outline_key(course_id, version), Outline, lambda: build_outline(course_id, version))


def _outline_key(course_id: int, version: str) -> str:
    return f"outline:{FORMAT}:{course_id}:{version}"


def version_key(kind: str, course: Course, *parts) -> str:
    """A key for ``kept``: what is kept depends on the course's content version and on ``parts`` only."""
    return ":".join(str(part) for part in (kind, FORMAT, course.id, course.content_version, *parts))


def outlines_of(courses: list[Course]) -> dict[int, Outline]:
    """The outlines of several courses, those not kept built together (a fixed number of queries)."""
    versions = {course.id: course.content_version for course in courses}
    if not _use_cache():
        return build_outlines(versions)
    found: dict[int, Outline] = {}
    with _local_lock:
        for course_id, version in versions.items():
            outline = _local.get(_outline_key(course_id, version))
            if outline is not None:
                found[course_id] = outline
    missing = {course_id: version for course_id, version in versions.items() if course_id not in found}
    if missing:
        keys = [_outline_key(course_id, version) for course_id, version in missing.items()]
        try:
            shared = dict(zip(missing, cache.get_many(*keys), strict=True))
        except Exception:
            log.warning("cache unreachable; building %s outlines", len(keys), exc_info=True)
            shared = {}
        found |= {course_id: outline for course_id, outline in shared.items() if isinstance(outline, Outline)}
        built = build_outlines({c: v for c, v in missing.items() if c not in found})
        if built:
            try:
                cache.set_many({_outline_key(c, o.version): o for c, o in built.items()}, timeout=OUTLINE_SECONDS)
            except Exception:
                log.warning("cache unreachable; %s outlines not stored", len(built))
        found |= built
        for course_id in missing:
            _remember(_outline_key(course_id, versions[course_id]), found[course_id])
    return found


def lesson_body(course: Course, lesson_id: int) -> tuple[Markup, str | None]:
    """A lesson's text as safe HTML in the viewer's language (or the fallback), and the language it is in; kept
    per content version and language like the outline (rendering Markdown is most of a lesson page's work)."""
    language = viewer_language()

    def build() -> tuple[str, str | None]:
        body = db.session.scalar(select(Lesson.body).where(Lesson.id == lesson_id, Lesson.course_id == course.id))
        text, picked = pick_with_language(body, course.source_language, language)
        return str(render_markdown(text)), picked

    html, picked = kept(version_key("lesson-body", course, lesson_id, language), tuple, build)
    return Markup(html), picked  # noqa: S704  (sanitised by render_markdown when it was built)


def forget_local() -> None:
    """Empty this process's memory of outlines and lesson texts (tests)."""
    with _local_lock:
        _local.clear()
