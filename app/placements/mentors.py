"""The people who mentor interns for the network's firms, and the coordinators' check shared by placements."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import Invitation, User
from app.accounts.services import create_invitation
from app.core.audit import record_event
from app.core.errors import DomainError
from app.core.permissions import Role
from app.enrolment.models import Enrolment
from app.extensions import db
from app.network.members import person_link
from app.network.models import Company, CompanyMember
from app.network.policies import can_manage_company
from app.placements.models import Placement
from app.placements.policies import can_manage_placements

COORDINATORS_ONLY = _l("Only coordinators manage placements and companies.")


def require_coordinator(actor: User) -> None:
    """Refuse anyone but coordinators (proposing and moving placements, matching, certificates)."""
    if not can_manage_placements(actor):
        raise DomainError(COORDINATORS_ONLY)


def _becomes_mentor(user: User) -> bool:
    """A trainee account with no enrolment and no placement of its own was made for someone who only mentors (a
    firm's employee who registered, or was registered, as a trainee): linking it as mentor makes it a MENTOR
    account. Trainees who learn or intern keep their role; trainers, coordinators and admins keep theirs and
    mentor through the link alone."""
    if user.role != Role.TRAINEE:
        return False
    learns = db.session.scalar(select(Enrolment.id).where(Enrolment.user_id == user.id).limit(1))
    interns = db.session.scalar(select(Placement.id).where(Placement.trainee_id == user.id).limit(1))
    return learns is None and interns is None


def add_mentor(actor: User, company: Company, user: User) -> CompanyMember:
    """Link an active account with an e-mail to the firm as its mentor (a trainee account that neither learns nor
    interns becomes a MENTOR account, see ``_becomes_mentor``)."""
    if not can_manage_company(actor, company):
        raise DomainError(COORDINATORS_ONLY)
    if user.is_managed or not user.is_active:
        raise DomainError(_l("A mentor needs an active account with an e-mail address."))
    if _becomes_mentor(user):
        record_event("accounts.role_changed", actor=actor, obj=user, before={"role": user.role},
                     after={"role": Role.MENTOR})
        user.role = Role.MENTOR
    member = person_link(company, user)
    member.is_mentor = True
    db.session.flush()
    record_event("placements.mentor_added", actor=actor, obj=company, after={"user": user.id})
    return member


def invite_mentor(actor: User, company: Company, email: str, full_name: str, language: str) -> Invitation:
    """A coordinator invites a person without an account as the firm's mentor: a MENTOR account in the firm's
    country, linked to the firm, and its invitation (the caller mails it)."""
    if not can_manage_company(actor, company):
        raise DomainError(COORDINATORS_ONLY)
    if not full_name.strip():
        raise DomainError(_l("No account has this e-mail: enter the person's name to invite them."),
                          field="full_name")
    invitation = create_invitation(email, full_name, Role.MENTOR, language, company.country, actor)
    invitation.user.employer_id = company.id
    add_mentor(actor, company, invitation.user)
    return invitation
