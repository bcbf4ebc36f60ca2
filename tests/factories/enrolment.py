"""Builders for enrolments."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.core.db import utcnow
from app.enrolment.models import Enrolment, EnrolmentEvent, EnrolmentStatus
from app.extensions import db

#: How long before "now" a built enrolment reached its status, unless told: before any meeting a test builds, so
#: every meeting of the course counts for the person (``app.training.membership``).
LONG_AGO = timedelta(days=400)


def enrol(user, course, status: EnrolmentStatus = EnrolmentStatus.ENROLLED, *,
          since: datetime | None = None) -> Enrolment:
    """An enrolment with the history a real one has: one event that set ``status`` at ``since``."""
    since = since or utcnow() - LONG_AGO
    enrolment = Enrolment(user_id=user.id, course_id=course.id, status=status, status_changed_at=since)
    db.session.add(enrolment)
    db.session.flush()
    db.session.add(EnrolmentEvent(enrolment_id=enrolment.id, to_status=status, source="test", created_at=since))
    db.session.commit()
    return enrolment
