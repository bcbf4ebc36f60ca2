"""Builders for enrolments."""

from __future__ import annotations

from app.enrolment.models import Enrolment, EnrolmentStatus
from app.extensions import db


def enrol(user, course, status: EnrolmentStatus = EnrolmentStatus.ENROLLED) -> Enrolment:
    enrolment = Enrolment(user_id=user.id, course_id=course.id, status=status)
    db.session.add(enrolment)
    db.session.commit()
    return enrolment
