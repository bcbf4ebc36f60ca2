"""Who sees which report: coordinators everything, trainers the figures and people of their own courses,
trainees nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.catalogue.models import Course, course_trainers
from app.catalogue.policies import is_course_trainer
from app.core.permissions import Role, has_role
from app.enrolment.models import Enrolment
from app.extensions import db


def can_see_reports(user: Any) -> bool:
    """The dashboard, the at-risk list, the people behind a figure and their exports: trainers and coordinators
    (what a trainer sees is narrowed to their courses by ``report_course_ids``)."""
    return has_role(user, Role.TRAINER, Role.COORDINATOR)


def can_see_all_figures(user: Any) -> bool:
    """Project-wide figures (indicators, the PDF summary, internships and certificates of a person): coordinators."""
    return has_role(user, Role.COORDINATOR)


def can_set_indicators(user: Any) -> bool:
    """The project's indicators and their targets are kept by the coordinators."""
    return has_role(user, Role.COORDINATOR)


def can_export_placements(user: Any) -> bool:
    """The placement register (every trainee's internships) is a coordinators' document."""
    return has_role(user, Role.COORDINATOR)


def report_course_ids(user: Any) -> frozenset[int] | None:
    """The courses whose figures ``user`` sees: None for every course (coordinators), else the courses they teach."""
    if can_see_all_figures(user):
        return None
    if not can_see_reports(user):
        return frozenset()
    return frozenset(db.session.scalars(select(course_trainers.c.course_id).where(
        course_trainers.c.user_id == user.id)))


def can_see_course_figures(user: Any, course: Course) -> bool:
    """A course's attendance matrix and figures: its trainers and the coordinators."""
    return can_see_all_figures(user) or (has_role(user, Role.TRAINER) and is_course_trainer(user, course))


def can_see_person(user: Any, person: Any) -> bool:
    """A trainee's record: coordinators see everyone, trainers the people who have (or had) an enrolment in one of
    their courses."""
    if can_see_all_figures(user):
        return True
    if not can_see_reports(user):
        return False
    taught = select(course_trainers.c.course_id).where(course_trainers.c.user_id == user.id)
    return db.session.scalar(select(Enrolment.id).where(Enrolment.user_id == person.id,
                                                        Enrolment.course_id.in_(taught)).limit(1)) is not None
