"""Firms' managers: the firm's contact person (or a coordinator) invites them, a coordinator confirms them; only
then do they see the training of the firm's own staff (``app.reporting.firm``)."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import Invitation, User
from app.accounts.services import create_invitation, find_user_by_email
from app.core.audit import record_event
from app.core.db import utcnow
from app.core.errors import DomainError
from app.core.permissions import Role
from app.extensions import db
from app.network.members import person_link
from app.network.models import Company, CompanyMember
from app.network.policies import can_invite_manager, can_manage_directory
from app.notifications.services import notify


def _link(company: Company, user: User) -> CompanyMember | None:
    return db.session.scalar(select(CompanyMember).where(CompanyMember.company_id == company.id,
                                                         CompanyMember.user_id == user.id))


def invite_manager(actor: User, company: Company, email: str, full_name: str = "",
                   language: str = "pl") -> tuple[CompanyMember, Invitation | None]:
    """Make the person (an existing account by e-mail, else a new MENTOR account with an invitation the caller
    mails) a manager of ``company``: confirmed at once when a coordinator invites, else waiting for one."""
    if not can_invite_manager(actor, company):
        raise DomainError(_l("Only the firm's contact person and coordinators invite its managers."))
    user, invitation = find_user_by_email(email or ""), None
    if user is None:
        if not (full_name or "").strip():
            raise DomainError(_l("No account has this e-mail: enter the person's name to invite them."),
                              field="full_name")
        # a firm's person, not a learner: the firm-side role (MENTOR) without being anyone's mentor
        invitation = create_invitation(email, full_name, Role.MENTOR, language, company.country, actor)
        user = invitation.user
        user.employer_id = company.id
    elif user.is_managed or not user.is_active or user.erased_at is not None:
        raise DomainError(_l("A manager needs an active account with an e-mail address."), field="email")
    link = _link(company, user)
    if link is not None and link.is_manager:
        raise DomainError(_l("%(name)s is already a manager of this firm.", name=user.full_name), field="email")
    link = link or person_link(company, user)
    link.is_manager, link.invited_by_id = True, actor.id
    if can_manage_directory(actor):
        link.manager_confirmed_at, link.manager_confirmed_by_id = utcnow(), actor.id
    db.session.flush()
    record_event("network.manager_invited", actor=actor, obj=company,
                 after={"user": user.id, "confirmed": link.is_confirmed_manager})
    if not link.is_confirmed_manager:
        coordinators = db.session.scalars(select(User).where(User.role.in_([Role.COORDINATOR, Role.ADMIN]),
                                                             User.is_active.is_(True)))
        notify(coordinators, "network.manager_waiting",
               {"name": user.full_name, "company": company.name, "inviter": actor.full_name},
               link=url_for("network.member", company_id=company.id))
    return link, invitation


def confirm_manager(actor: User, link: CompanyMember) -> None:
    """A coordinator confirms a manager: from now on they see the firm's staff's training."""
    if not can_manage_directory(actor):
        raise DomainError(_l("Only coordinators confirm firms' managers."))
    if not link.is_manager:
        raise DomainError(_l("This person is not a manager of the firm."))
    if link.manager_confirmed_at is not None:
        raise DomainError(_l("This manager is already confirmed."))
    link.manager_confirmed_at, link.manager_confirmed_by_id = utcnow(), actor.id
    db.session.flush()
    record_event("network.manager_confirmed", actor=actor, obj=link.company, after={"user": link.user_id})
    notify([link.user], "network.manager_confirmed", {"company": link.company.name},
           link=url_for("firm.view", company_id=link.company_id))


def remove_manager(actor: User, link: CompanyMember) -> None:
    """The firm's contact person or a coordinator ends a manager's access (the link stays if they mentor or are the
    contact person)."""
    if not can_invite_manager(actor, link.company):
        raise DomainError(_l("Only the firm's contact person and coordinators change its managers."))
    if not link.is_manager:
        raise DomainError(_l("This person is not a manager of the firm."))
    record_event("network.manager_removed", actor=actor, obj=link.company, after={"user": link.user_id})
    link.is_manager, link.manager_confirmed_at, link.manager_confirmed_by_id = False, None, None
    if not link.is_mentor and not link.is_contact:
        db.session.delete(link)
    db.session.flush()


def company_managers(company: Company) -> list[CompanyMember]:
    return list(db.session.scalars(select(CompanyMember).join(User, User.id == CompanyMember.user_id).where(
        CompanyMember.company_id == company.id, CompanyMember.is_manager.is_(True)).order_by(User.full_name)))
