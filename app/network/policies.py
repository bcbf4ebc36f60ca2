"""Who may see and change what in the cluster network.

Coordinators (and admins) keep the directory and decide on every proposed entry. A member's contact person
proposes changes to their own entry (never public before approval) and invites the firm's managers. A firm's
manager, once a coordinator confirmed them, sees the training of the firm's own staff (people whose employer is
the firm) and nothing about anyone else's.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, exists, or_, select

from app.core.permissions import Role, has_role
from app.core.userfacts import register_user_fact
from app.extensions import db
from app.network.models import Company, CompanyMember, ContactVisibility

#: Facts about a person's links to members, loaded with the person on every request (``app.core.userfacts``):
#: the menu asks them on every page. Each says the same as the set function named beside it.
ACTS_FOR_A_MEMBER = "acts_for_a_member"  # contact person or confirmed manager (cooperation.policies.acts_for)
MANAGES_A_MEMBER = "manages_a_member"  # a confirmed manager (manager_company_ids)
MENTORS_FOR_A_MEMBER = "mentors_for_a_member"  # a mentor (placements.policies.mentor_company_ids)
_CONFIRMED_MANAGER = and_(CompanyMember.is_manager.is_(True), CompanyMember.manager_confirmed_at.is_not(None))
register_user_fact(ACTS_FOR_A_MEMBER, lambda user_id: exists().where(
    CompanyMember.user_id == user_id, or_(CompanyMember.is_contact.is_(True), _CONFIRMED_MANAGER)))
register_user_fact(MANAGES_A_MEMBER, lambda user_id: exists().where(CompanyMember.user_id == user_id,
                                                                   _CONFIRMED_MANAGER))
register_user_fact(MENTORS_FOR_A_MEMBER, lambda user_id: exists().where(
    CompanyMember.user_id == user_id, CompanyMember.is_mentor.is_(True)))


def _links(user: Any) -> list[CompanyMember]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(db.session.scalars(select(CompanyMember).where(CompanyMember.user_id == user.id)))


def can_manage_directory(user: Any) -> bool:
    """Coordinators add, edit and approve members' entries."""
    return has_role(user, Role.COORDINATOR)


def can_manage_company(user: Any, company: Company | None = None) -> bool:
    """Coordinators edit any entry directly (no approval needed) and link people to members."""
    return can_manage_directory(user)


def can_see_company(user: Any, company: Company) -> bool:
    """Active, approved members are public; the others only for coordinators and the member's own people."""
    if company.is_active and company.is_published:
        return True
    return can_manage_company(user, company) or company.id in contact_company_ids(user)


def can_see_contact(user: Any, company: Company) -> bool:
    """The contact person, e-mail, phone and address, as the member chose: everyone, logged-in people, or
    coordinators only. ``user`` None is anyone at all (the public copy of the offer catalogue)."""
    if company.contact_visibility == ContactVisibility.PUBLIC:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return company.contact_visibility == ContactVisibility.MEMBERS or can_manage_company(user, company)


def contact_company_ids(user: Any) -> set[int]:
    """The members whose entries ``user`` keeps as contact person."""
    return {link.company_id for link in _links(user) if link.is_contact}


def can_propose_entry(user: Any, company: Company) -> bool:
    """The member's contact person proposes changes to its public entry (coordinators edit it directly)."""
    return company.id in contact_company_ids(user)


def manager_company_ids(user: Any) -> set[int]:
    """The firms whose staff ``user`` may see: confirmed manager links only."""
    return {link.company_id for link in _links(user) if link.is_confirmed_manager}


def can_see_staff(user: Any, company: Company) -> bool:
    """The firm's confirmed managers and coordinators see the training of the firm's own staff."""
    return has_role(user, Role.COORDINATOR) or company.id in manager_company_ids(user)


def can_invite_manager(user: Any, company: Company) -> bool:
    """The firm's contact person (and coordinators) invite its managers; a coordinator confirms them."""
    return can_manage_directory(user) or can_propose_entry(user, company)


def can_see_entry_history(user: Any, company: Company) -> bool:
    """The member's proposals and the coordinators' decisions: its contact person and coordinators."""
    return can_manage_directory(user) or can_propose_entry(user, company)
