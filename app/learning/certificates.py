"""Course certificates: issued when an enrolment becomes complete, revoked when completion is withdrawn."""

from __future__ import annotations

from app.accounts.models import User
from app.certificates import services as certificates
from app.certificates.models import Certificate, CertificateKind
from app.core.db import utcnow
from app.enrolment.models import Enrolment


def issue_for(enrolment: Enrolment) -> Certificate:
    """Issue the course certificate of a complete enrolment (once: an existing valid one is returned)."""
    existing = certificates.valid_for_enrolment(enrolment.id)
    if existing is not None:
        return existing
    course = enrolment.course
    return certificates.issue(certificates.Facts(
        kind=CertificateKind.COURSE, holder=enrolment.user, title=course.title,
        specialisation_title=course.specialisation.title, hours=course.hours, started_on=enrolment.created_at,
        completed_at=enrolment.completed_at or utcnow(), enrolment_id=enrolment.id, course_id=course.id))


def revoke_for_lost_completion(enrolment: Enrolment, actor: User | None) -> None:
    certificates.revoke_for_lost_completion(enrolment.id, actor)
