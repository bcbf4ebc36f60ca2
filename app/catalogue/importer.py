"""``flask courses import courses/``: course definitions kept as files, created or updated in the database.

Matching is by stable keys (course ``key``, module and lesson ``key``s, material ``key``s), so renaming a lesson
in the files updates it instead of duplicating it, and a second run changes nothing. Items that disappeared from
the files are kept (trainees' progress may point to them) and reported as warnings.

Stored objects follow the transaction (``app.core.uow``), in the CLI as in tests: a material file stored by an
import that does not commit is deleted again, and the object a changed file replaces is deleted once the import
is committed.

A video (``kind: video``) is imported like an upload: stored, its ``captions:`` (language -> WebVTT or SRT file)
stored through ``app.catalogue.captions``, and handed to the conversion job (``catalogue.process_video``); it stays
PROCESSING, hidden from trainees, until a worker has made its phone renditions. An unchanged video keeps its
conversion; a changed one replaces the object, drops the old outputs and is converted again. Every material may
name its ``language`` (pl, lt, en or any, the default).

Other domains extend the format: ``register_section("quizzes", handler)`` lets the learning domain import the
``quizzes:`` section of a course.yaml with ``handler(course, data, folder, report)``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import yaml
from sqlalchemy import select

from app.catalogue.captions import parse_captions, store_captions
from app.catalogue.filetypes import SNIFF_BYTES, detect
from app.catalogue.models import (
    MATERIAL_LANGUAGES,
    Course,
    EnrolmentPolicy,
    Lesson,
    Material,
    MaterialKind,
    MaterialStatus,
    MediaStatus,
    Module,
    Specialisation,
)
from app.catalogue.processing import media_keys
from app.catalogue.uploads import start_processing
from app.core.errors import DomainError
from app.core.i18n import LANGUAGES
from app.core.progress import SILENT, Progress
from app.core.uow import delete_after_commit, delete_unless_committed
from app.extensions import db
from app.storage import generate_key, get_storage

CHUNK = 1 << 20


class CourseFileError(Exception):
    """A course file is malformed; the message names the file and the problem."""


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Objects replaced by this import (deleted once it is committed).
    obsolete_objects: list[str] = field(default_factory=list)
    #: Objects stored by this import (deleted again if it is not committed).
    new_objects: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


T = TypeVar("T")
SectionHandler = Callable[[Course, Any, Path, ImportReport], None]
_SECTIONS: dict[str, SectionHandler] = {}


def register_section(name: str, handler: SectionHandler) -> None:
    _SECTIONS[name] = handler


def _assign(obj: Any, values: dict[str, Any]) -> bool:
    """Set attributes that differ; True when anything changed (so an unchanged file touches no row)."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def upsert(row: T | None, create: Callable[..., T], values: dict[str, Any], report: ImportReport, label: str) -> T:
    """The row of one item of the files: ``create(**values)`` when it is new (flushed, so it has its id), else
    ``row`` with what differs updated; reported as created or updated under ``label``."""
    if row is None:
        row = create(**values)
        db.session.add(row)
        db.session.flush()
        report.created.append(label)
    elif _assign(row, values):
        report.updated.append(label)
    return row


def _texts(data: dict, name: str, where: str, required: bool = True) -> dict[str, str]:
    value = data.get(name)
    if value is None and not required:
        return {}
    if not isinstance(value, dict) or not any(isinstance(v, str) and v.strip() for v in value.values()):
        raise CourseFileError(f"{where}: '{name}' must map languages (pl, lt, en) to text")
    unknown = set(value) - set(LANGUAGES)
    if unknown:
        raise CourseFileError(f"{where}: '{name}' has unknown languages {sorted(unknown)}")
    return {lang: str(text).strip() for lang, text in value.items() if text}


def _load_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise CourseFileError(f"{path}: {error}") from error


def _key(data: dict, where: str) -> str:
    key = data.get("key")
    if not isinstance(key, str) or not key.strip() or len(key) > 100:
        raise CourseFileError(f"{where}: every item needs a 'key' (a short stable identifier)")
    return key.strip()


def import_specialisations(path: Path, report: ImportReport) -> None:
    data = _load_yaml(path)
    if not isinstance(data, list):
        raise CourseFileError(f"{path}: expected a list of specialisations")
    for position, item in enumerate(data):
        code = item.get("code")
        if not code:
            raise CourseFileError(f"{path}: specialisation without 'code'")
        spec = db.session.scalar(select(Specialisation).where(Specialisation.code == code))
        values = {"position": item.get("position", position), "title": _texts(item, "title", f"{path} [{code}]"),
                  "description": _texts(item, "description", f"{path} [{code}]", required=False)}
        upsert(spec, partial(Specialisation, code=code), values, report, f"specialisation {code}")


def import_course(folder: Path, report: ImportReport) -> Course:
    path = folder / "course.yaml"
    data = _load_yaml(path)
    if not isinstance(data, dict):
        raise CourseFileError(f"{path}: expected a mapping")
    key = _key(data, str(path))
    spec = db.session.scalar(select(Specialisation).where(Specialisation.code == data.get("specialisation")))
    if spec is None:
        raise CourseFileError(f"{path}: unknown specialisation {data.get('specialisation')!r}")
    source = data.get("source_language", "pl")
    if source not in LANGUAGES:
        raise CourseFileError(f"{path}: source_language must be one of {LANGUAGES}")
    try:
        policy = EnrolmentPolicy(data.get("enrolment_policy", "open"))
    except ValueError:
        raise CourseFileError(f"{path}: enrolment_policy must be open, approval or closed") from None
    values = {
        "specialisation_id": spec.id, "source_language": source, "hours": int(data.get("hours") or 0),
        "enrolment_policy": policy, "capacity": data.get("capacity"),
        "title": _texts(data, "title", str(path)), "summary": _texts(data, "summary", str(path), required=False),
        "description": _texts(data, "description", str(path), required=False),
    }
    db.session.flush()
    course = upsert(db.session.scalar(select(Course).where(Course.key == key)), partial(Course, key=key), values,
                    report, f"course {key}")

    modules = {m.key: m for m in course.modules}
    lessons = {lesson.key: lesson for lesson in db.session.scalars(select(Lesson).where(Lesson.course_id == course.id))}
    seen_modules, seen_lessons = set(), set()
    for m_pos, m_data in enumerate(data.get("modules") or []):
        m_key = _key(m_data, f"{path} module {m_pos + 1}")
        seen_modules.add(m_key)
        m_values = {"position": m_pos, "title": _texts(m_data, "title", f"{path} module {m_key}"),
                    "description": _texts(m_data, "description", f"{path} module {m_key}", required=False)}
        module = upsert(modules.get(m_key), partial(Module, course=course, key=m_key), m_values, report,
                        f"module {key}/{m_key}")
        for l_pos, l_data in enumerate(m_data.get("lessons") or []):
            l_key = _key(l_data, f"{path} lesson {l_pos + 1} of {m_key}")
            if l_key in seen_lessons:
                raise CourseFileError(f"{path}: lesson key {l_key!r} used twice")
            seen_lessons.add(l_key)
            _import_lesson(course, module, l_pos, l_key, l_data, lessons.get(l_key), folder, report)
    for m_key in set(modules) - seen_modules:
        report.warnings.append(f"module {key}/{m_key} is no longer in {path}; kept")
    for l_key in set(lessons) - seen_lessons:
        report.warnings.append(f"lesson {key}/{l_key} is no longer in {path}; kept")
    for section, handler in _SECTIONS.items():
        if section in data:
            handler(course, data[section], folder, report)
    return course


def _lesson_bodies(folder: Path, name: str, where: str) -> dict[str, str]:
    bodies = {}
    for lang in LANGUAGES:
        path = folder / "lessons" / f"{name}.{lang}.md"
        if path.exists():
            bodies[lang] = path.read_text(encoding="utf-8").strip() + "\n"
    if not bodies:
        raise CourseFileError(f"{where}: no lessons/{name}.<lang>.md file")
    return bodies


def _import_lesson(course: Course, module: Module, position: int, key: str, data: dict, lesson: Lesson | None,
                   folder: Path, report: ImportReport) -> None:
    where = f"{folder / 'course.yaml'} lesson {key}"
    values = {
        "module_id": module.id, "position": position, "title": _texts(data, "title", where),
        "body": _lesson_bodies(folder, data.get("body") or key, where) if data.get("body", key) else {},
        "duration_minutes": int(data.get("duration_minutes") or 0),
    }
    lesson = upsert(lesson, partial(Lesson, course_id=course.id, key=key), values, report,
                    f"lesson {course.key}/{key}")
    existing = {m.key: m for m in lesson.materials if m.key}
    for position, item in enumerate(data.get("materials") or []):
        _import_material(lesson, position, item, existing.get(_key(item, where)), folder, report, where)


def _import_material(lesson: Lesson, position: int, data: dict, material: Material | None, folder: Path,
                     report: ImportReport, where: str) -> None:
    key = _key(data, where)
    where = f"{where} material {key}"
    try:
        kind = MaterialKind(data.get("kind"))
    except ValueError:
        raise CourseFileError(f"{where}: unknown kind {data.get('kind')!r}") from None
    language = data.get("language", "any")
    if language not in MATERIAL_LANGUAGES:
        raise CourseFileError(f"{where}: 'language' is {language!r}; use one of {', '.join(MATERIAL_LANGUAGES)}")
    captions = _caption_files(data.get("captions"), kind, folder, where)
    values: dict[str, Any] = {"kind": kind, "position": position, "title": _texts(data, "title", where),
                              "language": language, "deleted_at": None}
    convert = False
    if kind != MaterialKind.VIDEO or material is None:
        values["status"] = MaterialStatus.READY  # a video's status is the conversion's (below, and the worker's)
    if kind == MaterialKind.LINK:
        url = data.get("url", "")
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise CourseFileError(f"{where}: a link needs an http(s) url")
        values["url"] = url
    else:
        path = _course_file(folder, data.get("file"), where)
        with path.open("rb") as stream:
            detected = detect(stream.read(SNIFF_BYTES), path.name)
        if detected is None or detected.kind != kind:
            raise CourseFileError(f"{where}: {path.name} is not a valid {kind.value} file")
        digest = _sha256(path, report.advance)  # in chunks: a training video may be several gigabytes
        # A purged material (deleted, or refused by the worker) lost its object: the file is stored again.
        if material is None or material.sha256 != digest or material.storage_key is None or material.purged_at:
            storage = get_storage()
            storage_key = generate_key("materials")
            with path.open("rb") as stream:
                stored = storage.save(storage_key, stream, detected.content_type)
            delete_unless_committed(stored.key, storage)
            report.new_objects.append(stored.key)
            if material is not None and material.storage_key:
                # The replaced file and what its conversion made go once this import is committed.
                for obsolete in [material.storage_key, *media_keys(material.media or {})]:
                    delete_after_commit(obsolete, storage)
                    report.obsolete_objects.append(obsolete)
            values.update(storage_backend=storage.name, storage_key=stored.key, size=stored.size,
                          sha256=stored.sha256, content_type=detected.content_type, original_filename=path.name,
                          purged_at=None, refusal=None)
            # A new or changed video is converted for phones like an upload: hidden from trainees until it is.
            convert = kind == MaterialKind.VIDEO
            if convert:
                values["status"] = MaterialStatus.PROCESSING
        elif kind == MaterialKind.VIDEO and material.media_status == MediaStatus.NONE:
            convert = True  # imported before videos were converted: the original stays served meanwhile
    material = upsert(material, partial(Material, lesson=lesson, key=key), values, report,
                      f"material {lesson.key}/{key}")
    if convert:
        start_processing(material)
    for caption_language, caption_path in captions.items():
        _import_caption(material, caption_language, caption_path, report, where)


def _course_file(folder: Path, name: Any, where: str) -> Path:
    path = folder / str(name or "")
    if not name or not path.is_file() or folder.resolve() not in path.resolve().parents:
        raise CourseFileError(f"{where}: file {name!r} not found in the course folder")
    return path


def _caption_files(captions: Any, kind: MaterialKind, folder: Path, where: str) -> dict[str, Path]:
    """The ``captions:`` of a material (language -> file), checked: only videos have them, in known languages."""
    if captions is None:
        return {}
    if kind != MaterialKind.VIDEO:
        raise CourseFileError(f"{where}: only videos have 'captions'")
    if not isinstance(captions, dict) or not captions:
        raise CourseFileError(f"{where}: 'captions' must map languages ({', '.join(LANGUAGES)}) to caption files")
    unknown = sorted(str(language) for language in captions if language not in LANGUAGES)
    if unknown:
        raise CourseFileError(f"{where}: 'captions' has unknown languages {unknown}; use {', '.join(LANGUAGES)}")
    return {language: _course_file(folder, name, f"{where} captions {language}") for language, name in
            captions.items()}


def _import_caption(material: Material, language: str, path: Path, report: ImportReport, where: str) -> None:
    """Store the captions of ``language`` unless the material already has exactly these (same WebVTT)."""
    data = path.read_bytes()
    report.advance(len(data))
    try:
        parsed = parse_captions(data, path.name)
    except DomainError as error:
        raise CourseFileError(f"{where} captions {language}: {path.name}: {error.message}") from None
    current = next((c for c in material.captions if c.language == language), None)
    if current is not None and current.sha256 == hashlib.sha256(parsed.vtt.encode("utf-8")).hexdigest():
        return
    caption = store_captions(None, material, language, data, path.name)
    report.new_objects.append(caption.storage_key)
    (report.updated if current is not None else report.created).append(
        f"captions {material.lesson.key}/{material.key} {language}")


def _sha256(path: Path, advance: Callable[[int], None]) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            advance(len(chunk))
    return digest.hexdigest()


def import_courses(root: Path, progress: Progress = SILENT) -> ImportReport:
    """Import ``root/specialisations.yaml`` and every ``root/*/course.yaml`` (flushes; the caller commits).
    ``progress`` is told the bytes of the course folders' files as they are checked."""
    report = ImportReport()
    if not (root / "specialisations.yaml").exists():
        raise CourseFileError(f"{root}: specialisations.yaml not found")
    import_specialisations(root / "specialisations.yaml", report)
    db.session.flush()
    folders = sorted(p for p in root.iterdir() if (p / "course.yaml").exists())
    total = sum(f.stat().st_size for folder in folders for f in folder.rglob("*") if f.is_file())
    read = 0
    with progress.step("course files", total) as advance:

        def count(size: int) -> None:
            nonlocal read
            read += size
            advance(size)

        report.advance = count
        for folder in folders:
            import_course(folder, report)
        advance(max(0, total - read))  # the files no material names (course.yaml, lesson texts)
    db.session.flush()
    return report
