"""Course authoring rules: creating and editing courses, modules and lessons, ordering, publishing."""

from __future__ import annotations

import math
import re
import unicodedata

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.accounts.models import User
from app.catalogue.models import (
    MATERIAL_LANGUAGES,
    Course,
    CourseStatus,
    EnrolmentPolicy,
    Lesson,
    Material,
    MaterialKind,
    MaterialStatus,
    Module,
    Specialisation,
)
from app.catalogue.policies import can_assign_trainers, can_author, can_manage_course
from app.core.audit import audit_changes, record_event
from app.core.db import utcnow
from app.core.errors import DomainError
from app.core.permissions import Role
from app.core.translated import clean_texts, pick
from app.extensions import db


def _require_manager(actor: User, course: Course) -> None:
    if not can_manage_course(actor, course):
        raise DomainError(_l("You may only change courses you teach."))



def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    ascii_text = ascii_text.encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60] or "course"


def _unique_course_key(title: str) -> str:
    base = _slug(title)
    taken = set(db.session.scalars(select(Course.key).where(Course.key.startswith(base))))
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, 10_000) if f"{base}-{n}" not in taken)


def create_course(actor: User, specialisation: Specialisation, title: dict[str, str | None], source_language: str,
                  **fields) -> Course:
    """Trainers and coordinators create courses (as drafts); a trainer who creates one teaches it."""
    if not can_author(actor):
        raise DomainError(_l("Only trainers and coordinators create courses."))
    title = clean_texts(title)
    if source_language not in title:
        raise DomainError(_l("Give the title at least in the course's source language."), field="title")
    course = Course(key=_unique_course_key(title[source_language]), specialisation=specialisation,
                    source_language=source_language, title=title, status=CourseStatus.DRAFT)
    _apply_course_fields(course, fields)
    if actor.role == Role.TRAINER:
        course.trainers.append(actor)
    db.session.add(course)
    db.session.flush()
    record_event("catalogue.course_created", actor=actor, obj=course,
                 after={"key": course.key, "title": course.title, "specialisation": specialisation.id,
                        "trainers": [t.id for t in course.trainers]})
    return course


def _course_snapshot(course: Course) -> dict:
    return {"title": dict(course.title), "source_language": course.source_language,
            "specialisation": course.specialisation.id, "summary": dict(course.summary or {}),
            "description": dict(course.description or {}), "hours": course.hours, "capacity": course.capacity,
            "enrolment_policy": course.enrolment_policy, "starts_on": course.starts_on, "ends_on": course.ends_on}


def _apply_course_fields(course: Course, fields: dict) -> None:
    for name in ("summary", "description"):
        if name in fields:
            setattr(course, name, clean_texts(fields[name]))
    if "hours" in fields:
        if fields["hours"] is None or fields["hours"] < 0:
            raise DomainError(_l("Hours must be zero or more."), field="hours")
        course.hours = fields["hours"]
    if "capacity" in fields:
        if fields["capacity"] is not None and fields["capacity"] < 1:
            raise DomainError(_l("Capacity must be at least 1, or empty for no limit."), field="capacity")
        course.capacity = fields["capacity"]
    if "enrolment_policy" in fields:
        course.enrolment_policy = EnrolmentPolicy(fields["enrolment_policy"])
    if "starts_on" in fields or "ends_on" in fields:
        starts, ends = fields.get("starts_on", course.starts_on), fields.get("ends_on", course.ends_on)
        if starts and ends and ends < starts:
            raise DomainError(_l("The course cannot end before it starts."), field="ends_on")
        course.starts_on, course.ends_on = starts, ends


def update_course(actor: User, course: Course, title: dict[str, str | None], source_language: str,
                  specialisation: Specialisation, **fields) -> None:
    _require_manager(actor, course)
    title = clean_texts(title)
    if source_language not in title:
        raise DomainError(_l("Give the title at least in the course's source language."), field="title")
    before = _course_snapshot(course)
    course.title, course.source_language, course.specialisation = title, source_language, specialisation
    _apply_course_fields(course, fields)
    db.session.flush()
    old, new = audit_changes(before, _course_snapshot(course), texts=("summary", "description"))
    if new:
        record_event("catalogue.course_updated", actor=actor, obj=course, before=old, after=new)


def set_course_status(actor: User, course: Course, status: CourseStatus) -> None:
    """Publish (needs at least one lesson), archive, or return to draft."""
    _require_manager(actor, course)
    if status == course.status:
        return
    if status == CourseStatus.PUBLISHED:
        lessons = db.session.scalar(select(func.count()).select_from(Lesson).where(Lesson.course_id == course.id))
        if not lessons:
            raise DomainError(_l("Add at least one lesson before publishing the course."))
        course.published_at = course.published_at or utcnow()
    record_event("catalogue.course_status", actor=actor, obj=course, before={"status": course.status},
                 after={"status": status})
    course.status = status
    db.session.flush()


def set_trainers(actor: User, course: Course, trainers: list[User]) -> None:
    """Coordinators decide who teaches a course."""
    if not can_assign_trainers(actor, course):
        raise DomainError(_l("Only coordinators assign trainers."))
    if any(t.role not in (Role.TRAINER, Role.COORDINATOR, Role.ADMIN) for t in trainers):
        raise DomainError(_l("Only trainers can teach a course."), field="trainers")
    record_event("catalogue.trainers_changed", actor=actor, obj=course,
                 before={"trainers": sorted(t.id for t in course.trainers)},
                 after={"trainers": sorted(t.id for t in trainers)})
    course.trainers = list(trainers)
    db.session.flush()


def add_module(actor: User, course: Course, title: dict[str, str | None]) -> Module:
    _require_manager(actor, course)
    title = clean_texts(title)
    if not title:
        raise DomainError(_l("Give the module a title."), field="title")
    position = max((m.position for m in course.modules), default=-1) + 1
    module = Module(course=course, key=_next_key("module", {m.key for m in course.modules}), position=position,
                    title=title)
    db.session.add(module)
    db.session.flush()
    record_event("catalogue.module_added", actor=actor, obj=module,
                 after={"course": course.id, "title": title, "position": position})
    return module


def _next_key(prefix: str, taken: set[str]) -> str:
    return next(f"{prefix}-{n}" for n in range(1, 100_000) if f"{prefix}-{n}" not in taken)


def update_module(actor: User, module: Module, title: dict[str, str | None]) -> None:
    _require_manager(actor, module.course)
    title = clean_texts(title)
    if not title:
        raise DomainError(_l("Give the module a title."), field="title")
    if title != module.title:
        record_event("catalogue.module_renamed", actor=actor, obj=module, before={"title": module.title},
                     after={"title": title})
    module.title = title
    db.session.flush()


def _move(items: list, item, direction: int) -> None:
    """Swap ``item`` with its neighbour (direction -1 up, +1 down) and renumber positions 0..n-1."""
    ordered = sorted(items, key=lambda x: (x.position, x.id))
    index = ordered.index(item)
    target = index + direction
    if 0 <= target < len(ordered):
        ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, each in enumerate(ordered):
        each.position = position


def _record_move(action: str, actor: User, item: Module | Lesson, position: int) -> None:
    if item.position != position:  # moving the first item up (or the last down) changes nothing
        record_event(action, actor=actor, obj=item, before={"position": position}, after={"position": item.position})


def move_module(actor: User, module: Module, direction: int) -> None:
    _require_manager(actor, module.course)
    position = module.position
    _move(list(module.course.modules), module, direction)
    db.session.flush()
    _record_move("catalogue.module_moved", actor, module, position)


def add_lesson(actor: User, module: Module, title: dict[str, str | None], body: dict[str, str | None],
               duration_minutes: int = 0) -> Lesson:
    course = module.course
    _require_manager(actor, course)
    title = clean_texts(title)
    if not title:
        raise DomainError(_l("Give the lesson a title."), field="title")
    taken = set(db.session.scalars(select(Lesson.key).where(Lesson.course_id == course.id)))
    lesson = Lesson(course_id=course.id, module=module, key=_next_key("lesson", taken),
                    position=max((item.position for item in module.lessons), default=-1) + 1,
                    title=title, body=clean_texts(body), duration_minutes=max(0, duration_minutes or 0))
    db.session.add(lesson)
    db.session.flush()
    record_event("catalogue.lesson_added", actor=actor, obj=lesson,
                 after={"module": module.id, "title": lesson.title, "position": lesson.position,
                        "duration_minutes": lesson.duration_minutes,
                        "body": {lang: len(text) for lang, text in lesson.body.items()}})
    return lesson


def _lesson_snapshot(lesson: Lesson) -> dict:
    return {"title": dict(lesson.title), "body": dict(lesson.body or {}), "duration_minutes": lesson.duration_minutes,
            "module": lesson.module.id, "position": lesson.position}


def update_lesson(actor: User, lesson: Lesson, title: dict[str, str | None], body: dict[str, str | None],
                  duration_minutes: int, module: Module) -> None:
    course = lesson.module.course
    _require_manager(actor, course)
    if module.course_id != course.id:
        raise DomainError(_l("A lesson can only move to a module of the same course."), field="module")
    title = clean_texts(title)
    if not title:
        raise DomainError(_l("Give the lesson a title."), field="title")
    before = _lesson_snapshot(lesson)
    if module.id != lesson.module_id:
        lesson.position = max((item.position for item in module.lessons), default=-1) + 1
        lesson.module = module
    lesson.title, lesson.body = title, clean_texts(body)
    lesson.duration_minutes = max(0, duration_minutes or 0)
    db.session.flush()
    old, new = audit_changes(before, _lesson_snapshot(lesson), texts=("body",))
    if new:
        record_event("catalogue.lesson_updated", actor=actor, obj=lesson, before=old, after=new)


def videos_minutes(lesson: Lesson) -> int | None:
    """How long the lesson's videos last, in whole minutes (rounded up); None when no video has a known length
    (the worker measures it when it converts the video)."""
    seconds = [m.duration_seconds for m in lesson.materials if m.kind == MaterialKind.VIDEO and m.deleted_at is None
               and m.status == MaterialStatus.READY and m.duration_seconds]
    return math.ceil(sum(seconds) / 60) if seconds else None


def duration_from_videos(actor: User, lesson: Lesson) -> int:
    """Set the lesson's duration to its videos' length; DomainError when no video has a known length."""
    _require_manager(actor, lesson.module.course)
    minutes = videos_minutes(lesson)
    if minutes is None:
        raise DomainError(_l("No video of this lesson has a known length yet."))
    before = _lesson_snapshot(lesson)
    lesson.duration_minutes = minutes
    db.session.flush()
    old, new = audit_changes(before, _lesson_snapshot(lesson), texts=("body",))
    if new:
        record_event("catalogue.lesson_updated", actor=actor, obj=lesson, before=old, after=new)
    return minutes


def move_lesson(actor: User, lesson: Lesson, direction: int) -> None:
    _require_manager(actor, lesson.module.course)
    position = lesson.position
    _move(list(lesson.module.lessons), lesson, direction)
    db.session.flush()
    _record_move("catalogue.lesson_moved", actor, lesson, position)


def add_link(actor: User, lesson: Lesson, title: dict[str, str | None], url: str) -> Material:
    _require_manager(actor, lesson.module.course)
    if not url.startswith(("https://", "http://")):
        raise DomainError(_l("A link must start with https:// or http://."), field="url")
    title = clean_texts(title)
    if not title:
        raise DomainError(_l("Give the material a title."), field="title")
    material = Material(lesson=lesson, kind=MaterialKind.LINK, url=url, title=title,
                        position=max((m.position for m in lesson.materials), default=-1) + 1)
    db.session.add(material)
    db.session.flush()
    record_event("catalogue.link_added", actor=actor, obj=material,
                 after={"lesson": lesson.id, "title": title, "url": url})
    return material


def update_material_title(actor: User, material: Material, title: dict[str, str | None],
                          language: str | None = None) -> None:
    """An upload is titled in one language; its managers give the title in the others and say which language the
    material is in (audited like any edit)."""
    course = material.lesson.module.course
    _require_manager(actor, course)
    title = clean_texts(title)
    if not title:
        raise DomainError(_l("Give the material a title."), field=f"title_{course.source_language}")
    if language is not None and language not in MATERIAL_LANGUAGES:
        raise DomainError(_l("Choose the language of the material from the list."), field="language")
    before = dict(material.title or {})
    if title != before:
        material.title = title
        db.session.flush()
        record_event("catalogue.material_renamed", actor=actor, obj=material, before={"title": before},
                     after={"title": title})
    if language is not None and language != material.language:
        previous, material.language = material.language, language
        db.session.flush()
        record_event("catalogue.material_language_changed", actor=actor, obj=material,
                     before={"language": previous}, after={"language": language})


def delete_material(actor: User, material: Material) -> None:
    """Soft delete: the material disappears for trainees but stays restorable (its object is kept)."""
    _require_manager(actor, material.lesson.module.course)
    if material.deleted_at is None:
        material.deleted_at, material.deleted_by_id = utcnow(), actor.id
        record_event("catalogue.material_deleted", actor=actor, obj=material,
                     after={"title": pick(material.title, language="en"), "storage_key": material.storage_key})
        db.session.flush()


def restore_material(actor: User, material: Material) -> None:
    _require_manager(actor, material.lesson.module.course)
    if material.deleted_at is not None:
        if material.purged_at is not None:
            raise DomainError(_l("The file of this material has been purged; it cannot be restored."))
        material.deleted_at, material.deleted_by_id = None, None
        record_event("catalogue.material_restored", actor=actor, obj=material)
        db.session.flush()


def published_courses() -> list[Course]:
    return list(db.session.scalars(
        select(Course).where(Course.status == CourseStatus.PUBLISHED).order_by(Course.id)))


def search_courses(courses: list[Course], text: str | None, language: str | None) -> list[Course]:
    """Match every word of ``text`` in any language's title or summary (Unicode-aware, case-insensitive)."""
    if language:
        courses = [c for c in courses if c.title.get(language)]
    words = (text or "").casefold().split()
    if not words:
        return courses
    def haystack(course: Course) -> str:
        parts = [*course.title.values(), *course.summary.values(), *course.specialisation.title.values()]
        return " ".join(parts).casefold()
    return [c for c in courses if all(word in haystack(c) for word in words)]
