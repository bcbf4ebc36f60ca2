"""Who may see, register for and organise which event."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select

from app.core.permissions import Role, has_role, is_coordinator
from app.events.models import Event, EventVisibility
from app.extensions import db
from app.network.models import CompanyMember


def is_logged_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(getattr(user, "is_active", False))


def is_of_cluster(user: Any) -> bool:
    """People of the cluster: staff (trainers, mentors, coordinators, admins), people on a member firm's staff,
    and people whose employer is a member of the network."""
    if not is_logged_in(user):
        return False
    if has_role(user, Role.TRAINER, Role.MENTOR, Role.COORDINATOR):
        return True
    if user.employer_id is not None:
        return True
    return bool(db.session.scalar(select(exists().where(CompanyMember.user_id == user.id))))


def can_organise_events(user: Any) -> bool:
    """Coordinators create events (and become their organisers)."""
    return is_coordinator(user)


def can_manage_event(user: Any, event: Event) -> bool:
    """Coordinators and the event's organiser edit and cancel it, see its registrations and run its meeting."""
    return is_coordinator(user) or (is_logged_in(user) and event.organiser_id == user.id)


def can_see_event(user: Any, event: Event) -> bool:
    """Public events: everyone, also anonymous visitors. Members-only events: people of the cluster."""
    if event.visibility == EventVisibility.PUBLIC:
        return True
    return is_of_cluster(user) or can_manage_event(user, event)


def can_register(user: Any, event: Event) -> bool:
    """Any active logged-in person for a public event; people of the cluster for a members-only one (whether
    registration is still open is the service's to say, with a reason)."""
    if not is_logged_in(user):
        return False
    return event.visibility == EventVisibility.PUBLIC or is_of_cluster(user)
