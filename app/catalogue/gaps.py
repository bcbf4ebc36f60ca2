"""What of a course's content is not yet written in which language: the notice on the authors' pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.catalogue.models import Course, Lesson, Material, Module
from app.core.translated import Gaps, pick, translation_gaps
from app.extensions import db

#: How the notice names each kind of content (``%(name)s``: the item's title in the course's source language).
GAP_LABELS = {
    "course_title": _l("course title"), "course_summary": _l("course summary"),
    "course_description": _l("course description"), "module_title": _l("title of the module “%(name)s”"),
    "lesson_title": _l("title of the lesson “%(name)s”"), "lesson_text": _l("text of the lesson “%(name)s”"),
    "material_title": _l("title of the material “%(name)s”"),
}


def _lesson_items(lesson: Lesson, materials: list[Material], source: str) -> list[tuple]:
    name = pick(lesson.title, source, source)
    return [("lesson_title", name, lesson.title), ("lesson_text", name, lesson.body),
            *[("material_title", pick(m.title, source, source), m.title) for m in materials]]


def course_gaps(course: Course) -> Gaps:
    """The course's own texts, its modules, lessons and (not removed) materials: three queries, however large."""
    source = course.source_language
    modules = db.session.scalars(select(Module).where(Module.course_id == course.id)
                                 .order_by(Module.position, Module.id))
    lessons = list(db.session.scalars(select(Lesson).join(Module).where(Lesson.course_id == course.id)
                                      .order_by(Module.position, Lesson.position, Lesson.id)))
    materials: dict[int, list[Material]] = {}
    for material in db.session.scalars(select(Material).join(Lesson).where(
            Lesson.course_id == course.id, Material.deleted_at.is_(None)).order_by(Material.position, Material.id)):
        materials.setdefault(material.lesson_id, []).append(material)
    items = [("course_title", "", course.title), ("course_summary", "", course.summary),
             ("course_description", "", course.description),
             *[("module_title", pick(m.title, source, source), m.title) for m in modules]]
    for lesson in lessons:
        items += _lesson_items(lesson, materials.get(lesson.id, []), source)
    return translation_gaps(items)


def lesson_gaps(lesson: Lesson, source: str) -> Gaps:
    """One lesson's title, text and (not removed) materials."""
    return translation_gaps(_lesson_items(lesson, [m for m in lesson.materials if m.deleted_at is None], source))
