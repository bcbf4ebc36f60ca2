"""Participants without an e-mail (firm staff who never log in), recorded by coordinators, and how they later
get a login without being counted twice."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.merging import merge_users, register_merge_step
from app.accounts.models import Country, Gender, Invitation, User
from app.accounts.services import find_user_by_email, normalize_email
from app.core.audit import record_event
from app.core.employers import set_employer
from app.core.errors import DomainError
from app.core.i18n import ZONE_FOR_LANGUAGE
from app.core.permissions import Role
from app.enrolment.models import Enrolment, EnrolmentEvent, EnrolmentStatus
from app.enrolment.policies import can_enrol_others
from app.extensions import db

#: When the same course appears on both records, the more advanced status wins.
STATUS_RANK = {EnrolmentStatus.ENROLLED: 5, EnrolmentStatus.WAITLISTED: 4, EnrolmentStatus.REQUESTED: 3,
               EnrolmentStatus.WITHDRAWN: 2, EnrolmentStatus.REJECTED: 1}


def create_managed_participant(actor: User, full_name: str, country: Country, company_name: str | None,
                               language: str = "pl", gender: Gender | None = None) -> User:
    """A coordinator records someone who will not log in; they are enrolled and counted like anyone else."""
    if not can_enrol_others(actor):
        raise DomainError(_l("Only coordinators record participants."))
    if not full_name or not full_name.strip():
        raise DomainError(_l("Please enter the name."), field="full_name")
    user = User(email=None, password_hash=None, full_name=full_name.strip(), role=Role.TRAINEE, country=country,
                language=language, timezone=ZONE_FOR_LANGUAGE.get(language, "Europe/Warsaw"),
                gender=gender)
    set_employer(user, company_name)  # a member of the directory when one fits, else kept as written
    db.session.add(user)
    db.session.flush()
    record_event("enrolment.participant_recorded", actor=actor, obj=user)
    return user


def give_login(managed: User, email: str, actor: User) -> Invitation | None:
    """Give a managed participant a login: a new address gets an invitation; an address that already has an
    account means the same person, so the managed record is merged into that account (returns None)."""
    if not can_enrol_others(actor):
        raise DomainError(_l("Only coordinators record participants."))
    if not managed.is_managed or managed.merged_into_id:
        raise DomainError(_l("This participant already has a login."))
    existing = find_user_by_email(email)
    if existing is not None:
        merge_users(managed, existing, actor)
        return None
    managed.email = normalize_email(email)
    invitation = Invitation(user=managed, invited_by=actor)
    db.session.add(invitation)
    db.session.flush()
    record_event("accounts.invited", actor=actor, obj=managed, after={"invitation": invitation.id})
    return invitation


def _move_enrolments(source: User, target: User) -> None:
    targets = {e.course_id: e for e in db.session.scalars(select(Enrolment).where(Enrolment.user_id == target.id))}
    for enrolment in list(db.session.scalars(select(Enrolment).where(Enrolment.user_id == source.id))):
        kept = targets.get(enrolment.course_id)
        if kept is None:
            enrolment.user_id = target.id
            continue
        # Both records were in the same course: keep one enrolment, with the whole history of both.
        winner, loser = (enrolment, kept) if STATUS_RANK[enrolment.status] > STATUS_RANK[kept.status] \
            else (kept, enrolment)
        for event in list(db.session.scalars(select(EnrolmentEvent).where(EnrolmentEvent.enrolment_id == loser.id))):
            event.enrolment_id = winner.id
        db.session.flush()
        if winner is enrolment:
            db.session.delete(kept)
            db.session.flush()
            enrolment.user_id = target.id
        else:
            db.session.delete(enrolment)
        db.session.flush()


register_merge_step(_move_enrolments)
