"""Who may see and change which course content."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.catalogue.models import Course, CourseStatus, Material
from app.core.permissions import Role, has_role
from app.extensions import db


def is_course_trainer(user: Any, course: Course) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and any(t.id == user.id for t in course.trainers)


def can_manage_course(user: Any, course: Course) -> bool:
    """Coordinators and admins manage every course; trainers the courses they teach."""
    return has_role(user, Role.COORDINATOR) or (has_role(user, Role.TRAINER) and is_course_trainer(user, course))


def can_create_course(user: Any) -> bool:
    return has_role(user, Role.TRAINER, Role.COORDINATOR)


def can_view_course(user: Any, course: Course) -> bool:
    """Published courses are public (the outline); drafts and archived ones only for those who manage them,
    and archived ones also for people enrolled in them (they keep their history)."""
    if course.status == CourseStatus.PUBLISHED:
        return True
    if can_manage_course(user, course):
        return True
    return course.status == CourseStatus.ARCHIVED and is_enrolled(user, course)


def is_enrolled(user: Any, course: Course) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    from app.enrolment.models import Enrolment, EnrolmentStatus

    return db.session.scalar(select(Enrolment.id).where(
        Enrolment.user_id == user.id, Enrolment.course_id == course.id,
        Enrolment.status == EnrolmentStatus.ENROLLED)) is not None


def can_study_course(user: Any, course: Course) -> bool:
    """Lesson pages and materials: enrolled trainees of a published (or archived) course, and its managers."""
    if can_manage_course(user, course):
        return True
    return course.status != CourseStatus.DRAFT and is_enrolled(user, course)


def can_access_material(user: Any, material: Material, course: Course | None = None) -> bool:
    """``course`` saves the lookups through lesson and module when the caller loaded it with the material."""
    course = course or material.lesson.module.course
    if material.deleted_at is not None:
        return can_manage_course(user, course)
    return can_study_course(user, course)
