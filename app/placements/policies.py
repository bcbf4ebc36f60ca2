"""Who may see and do what in placements: the directory, offers, placements, logbooks, evaluations, documents.

Mentor rights come from a company link (``CompanyMember.is_mentor``), whatever the role: a firm's MENTOR account
and a trainer who also mentors for their firm both see and review the placements of their firms and the ones naming
them as mentor, nothing else. The MENTOR role only says the account does nothing but mentor (no trainer pages).
Coordinators (and admins) manage everything.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.catalogue.models import Course
from app.core.permissions import Role, has_role
from app.core.userfacts import user_fact
from app.enrolment.models import Enrolment, EnrolmentStatus
from app.extensions import db
from app.network.models import Company, CompanyMember
from app.network.policies import (  # noqa: F401  (placements' views use them)
    MENTORS_FOR_A_MEMBER,
    can_manage_company,
    can_see_company,
)
from app.placements.models import InternshipOffer, LogbookEntry, Placement, PlacementStatus

#: Statuses in which the intern writes the logbook.
LOGBOOK_OPEN = (PlacementStatus.AGREED, PlacementStatus.IN_PROGRESS)


def mentor_company_ids(user: Any) -> set[int]:
    """The firms ``user`` mentors for (empty for anonymous visitors)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(db.session.scalars(select(CompanyMember.company_id).where(
        CompanyMember.user_id == user.id, CompanyMember.is_mentor.is_(True))))


def is_mentor(user: Any) -> bool:
    """Linked as a mentor to at least one firm (whatever the role); loaded with the user (the menu asks)."""
    return user_fact(user, MENTORS_FOR_A_MEMBER)


def is_enrolled_in_specialisation(user: Any, specialisation_id: int) -> bool:
    """Enrolled (not waiting or withdrawn) in some course of the specialisation."""
    return db.session.scalar(select(Enrolment.id).join(Course).where(
        Enrolment.user_id == user.id, Enrolment.status == EnrolmentStatus.ENROLLED,
        Course.specialisation_id == specialisation_id).limit(1)) is not None


# -- the directory and offers --------------------------------------------------------------------------------------
def can_manage_placements(user: Any) -> bool:
    """Coordinators keep the directory, propose placements and move them along their lifecycle."""
    return has_role(user, Role.COORDINATOR)


def can_publish_offer(user: Any, company: Company) -> bool:
    """Offers of a firm are published by coordinators or the firm's own mentors."""
    return can_manage_placements(user) or company.id in mentor_company_ids(user)


def can_publish_offers(user: Any) -> bool:
    """May open the offer form at all: coordinators and anyone mentoring for some firm."""
    return can_manage_placements(user) or is_mentor(user)


def can_edit_offer(user: Any, offer: InternshipOffer) -> bool:
    return can_publish_offer(user, offer.company)


def can_apply(user: Any) -> bool:
    """Only trainees apply for internships (admins hold every role but are not interns)."""
    return getattr(user, "is_authenticated", False) and user.role == Role.TRAINEE


def can_apply_for(user: Any, offer: InternshipOffer) -> bool:
    """A trainee enrolled in a course of the offer's specialisation."""
    return can_apply(user) and is_enrolled_in_specialisation(user, offer.specialisation_id)


# -- placements ----------------------------------------------------------------------------------------------------
def can_manage_placement(user: Any, placement: Placement) -> bool:
    """Status changes and certificates: coordinators."""
    return can_manage_placements(user)


def can_mentor(user: Any, placement: Placement) -> bool:
    """The placement's mentor and the host firm's mentors."""
    if not getattr(user, "is_authenticated", False):
        return False
    return placement.mentor_id == user.id or placement.company_id in mentor_company_ids(user)


def is_intern(user: Any, placement: Placement) -> bool:
    return getattr(user, "id", None) == placement.trainee_id


def can_see_placement(user: Any, placement: Placement) -> bool:
    """The trainee, the firm's mentors (and the placement's mentor), coordinators. Nobody else."""
    if not getattr(user, "is_authenticated", False):
        return False
    return can_manage_placements(user) or is_intern(user, placement) or can_mentor(user, placement)


def can_add_document(user: Any, placement: Placement) -> bool:
    """Everyone who sees the placement adds its documents (agreement, insurance, ...)."""
    return can_see_placement(user, placement)


def can_see_entry(user: Any, entry: LogbookEntry) -> bool:
    return can_see_placement(user, entry.placement)


def can_write_logbook(user: Any, placement: Placement) -> bool:
    """The intern, while the placement is agreed or in progress."""
    return is_intern(user, placement) and placement.status in LOGBOOK_OPEN


def can_review_logbook(user: Any, entry: LogbookEntry) -> bool:
    """The intern's mentor confirms or returns logbook days."""
    return can_mentor(user, entry.placement)


def can_evaluate(user: Any, placement: Placement) -> bool:
    """The mentor evaluates while the placement is in progress."""
    return placement.status == PlacementStatus.IN_PROGRESS and can_mentor(user, placement)


def can_see_certificate(user: Any, placement: Placement) -> bool:
    """The certificate section: coordinators and the intern, once the placement is completed."""
    return placement.status == PlacementStatus.COMPLETED and (
        can_manage_placement(user, placement) or is_intern(user, placement))
