"""Who counts as a participant of a course, and what participants may open.

Enrolment sits above the catalogue: whether a lesson may be studied depends on an enrolment, so these rules live
here (the catalogue only knows who manages a course).
"""

from __future__ import annotations

from typing import Any

from flask import g
from sqlalchemy import ColumnElement, exists, select

from app.catalogue.models import Course, CourseStatus, Material, MaterialStatus
from app.catalogue.policies import can_manage_course
from app.core.permissions import Role, has_role
from app.enrolment.models import Enrolment, EnrolmentStatus
from app.extensions import db


def enrolled_clause(user_id: Any, course_id: Any) -> ColumnElement[bool]:
    """The one definition of "a participant" as SQL: an ENROLLED enrolment (not requested, waiting or
    withdrawn); ``user_id`` and ``course_id`` are values or columns to correlate with."""
    return exists().where(Enrolment.user_id == user_id, Enrolment.course_id == course_id,
                          Enrolment.status == EnrolmentStatus.ENROLLED)


def known_enrolment(user: Any, course_id: int, enrolled: bool) -> None:
    """A route that read ``enrolled_clause`` in its own query (with the material it serves) says what it found:
    ``is_enrolled`` answers from it for the rest of this request instead of asking again."""
    g.setdefault("mcc_known_enrolments", {})[(user.id, course_id)] = bool(enrolled)


def is_enrolled(user: Any, course_id: int) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    known = g.get("mcc_known_enrolments")
    if known is not None and (user.id, course_id) in known:
        return known[(user.id, course_id)]
    return bool(db.session.scalar(select(enrolled_clause(user.id, course_id))))


def can_view_course(user: Any, course: Course) -> bool:
    """Published courses are public (the outline); drafts and archived ones only for those who manage them,
    and archived ones also for people enrolled in them (they keep their history)."""
    if course.status == CourseStatus.PUBLISHED or can_manage_course(user, course):
        return True
    return course.status == CourseStatus.ARCHIVED and is_enrolled(user, course.id)


def can_study_course(user: Any, course: Course) -> bool:
    """Lesson pages and materials: enrolled trainees of a published (or archived) course, and its managers."""
    if can_manage_course(user, course):
        return True
    return course.status != CourseStatus.DRAFT and is_enrolled(user, course.id)


def can_access_material(user: Any, material: Material, course: Course | None = None) -> bool:
    """``course`` saves the lookups through lesson and module when the caller loaded it with the material."""
    course = course or material.lesson.module.course
    if material.deleted_at is not None or material.status != MaterialStatus.READY:
        return can_manage_course(user, course)  # deleted, or not (yet) checked by a worker: its trainers only
    return can_study_course(user, course)


def can_manage_enrolments(user: Any, course: Course) -> bool:
    """Trainers of the course and coordinators accept, reject and enrol people."""
    return can_manage_course(user, course)


def can_withdraw(user: Any, enrolment: Enrolment) -> bool:
    """People leave their own courses; coordinators withdraw anyone."""
    return getattr(user, "id", None) == enrolment.user_id or has_role(user, Role.COORDINATOR)


def can_manage_enrolment(user: Any, enrolment: Enrolment) -> bool:
    """Whoever manages the course's enrolments decides on a request and reads its history."""
    return can_manage_enrolments(user, enrolment.course)


def can_enrol_others(user: Any) -> bool:
    """Coordinators enrol other people (one by one or from a file) and record participants without an e-mail,
    to whom they later give a login."""
    return has_role(user, Role.COORDINATOR)
