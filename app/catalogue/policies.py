"""Who manages which course content. (Who may *study* it depends on enrolment: ``app.enrolment.policies``.)"""

from __future__ import annotations

from typing import Any

from app.catalogue.models import Course
from app.core.permissions import Role, has_role


def is_course_trainer(user: Any, course: Course) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and any(t.id == user.id for t in course.trainers)


def can_manage_course(user: Any, course: Course) -> bool:
    """Coordinators and admins manage every course; trainers the courses they teach."""
    return has_role(user, Role.COORDINATOR) or (has_role(user, Role.TRAINER) and is_course_trainer(user, course))


def can_author(user: Any) -> bool:
    """Trainers and coordinators create courses and see the teaching pages."""
    return has_role(user, Role.TRAINER, Role.COORDINATOR)
