"""Who manages which course content. (Who may *study* it depends on enrolment: ``app.enrolment.policies``.)"""

from __future__ import annotations

from typing import Any

from app.catalogue.models import Course, Lesson, Material, Module
from app.core.permissions import Role, has_role


def is_course_trainer(user: Any, course: Course) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and any(t.id == user.id for t in course.trainers)


def can_manage_course(user: Any, course: Course) -> bool:
    """Coordinators and admins manage every course; trainers the courses they teach."""
    return has_role(user, Role.COORDINATOR) or (has_role(user, Role.TRAINER) and is_course_trainer(user, course))


def can_manage_module(user: Any, module: Module) -> bool:
    """Modules, lessons and materials are edited by whoever manages their course."""
    return can_manage_course(user, module.course)


def can_manage_lesson(user: Any, lesson: Lesson) -> bool:
    return can_manage_module(user, lesson.module)


def can_manage_material(user: Any, material: Material) -> bool:
    return can_manage_lesson(user, material.lesson)


def can_assign_trainers(user: Any, course: Course) -> bool:
    """Coordinators decide who teaches a course."""
    return has_role(user, Role.COORDINATOR)


def can_author(user: Any) -> bool:
    """Trainers and coordinators create courses and see the teaching pages."""
    return has_role(user, Role.TRAINER, Role.COORDINATOR)
