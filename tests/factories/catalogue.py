"""Builders for specialisations, courses, modules, lessons and materials."""

from __future__ import annotations

import io
import itertools

from sqlalchemy import select

from app.catalogue.models import (
    Course,
    CourseStatus,
    EnrolmentPolicy,
    Lesson,
    Material,
    MaterialKind,
    Module,
    Specialisation,
)
from app.extensions import db
from app.storage import generate_key, get_storage

_n = itertools.count(1)


def get_specialisation(code: str = "cnc") -> Specialisation:
    spec = db.session.scalar(select(Specialisation).where(Specialisation.code == code))
    if spec is None:
        spec = Specialisation(code=code, title={"en": code.upper(), "pl": code.upper(), "lt": code.upper()})
        db.session.add(spec)
        db.session.commit()
    return spec


def create_course(*, status: CourseStatus = CourseStatus.PUBLISHED, trainers=(), specialisation: str = "cnc",
                  title: dict | None = None, modules: int = 1, lessons_per_module: int = 2,
                  policy: EnrolmentPolicy = EnrolmentPolicy.OPEN, capacity: int | None = None, **fields) -> Course:
    n = next(_n)
    course = Course(key=f"course-{n}", specialisation=get_specialisation(specialisation), source_language="pl",
                    title=title or {"pl": f"Kurs {n}", "en": f"Course {n}", "lt": f"Kursas {n}"},
                    summary={"en": "Summary"}, status=status, enrolment_policy=policy, capacity=capacity,
                    hours=16, **fields)
    course.trainers = list(trainers)
    db.session.add(course)
    db.session.flush()
    for m in range(modules):
        module = Module(course=course, key=f"m{m}", position=m, title={"en": f"Module {m + 1}"})
        db.session.add(module)
        db.session.flush()
        for index in range(lessons_per_module):
            db.session.add(Lesson(course_id=course.id, module=module, key=f"m{m}-l{index}", position=index,
                                  title={"en": f"Lesson {m + 1}.{index + 1}", "pl": f"Lekcja {m + 1}.{index + 1}"},
                                  body={"en": "## Text\n\nSome **text**.", "pl": "## Tekst\n\nTreść."},
                                  duration_minutes=20))
    db.session.commit()
    return course


def first_lesson(course: Course) -> Lesson:
    return course.modules[0].lessons[0]


def create_material(lesson: Lesson, data: bytes = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n",
                    filename: str = "notes.pdf", kind: MaterialKind = MaterialKind.DOCUMENT,
                    content_type: str = "application/pdf", **fields) -> Material:
    storage = get_storage()
    stored = storage.save(generate_key("materials"), io.BytesIO(data), content_type)
    material = Material(lesson=lesson, kind=kind, title={"en": filename}, storage_backend=storage.name,
                        storage_key=stored.key, original_filename=filename, size=stored.size,
                        content_type=content_type, sha256=stored.sha256, **fields)
    db.session.add(material)
    db.session.commit()
    return material
