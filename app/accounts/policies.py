"""Who may manage accounts. Pure answers: routes, templates and services ask the same functions."""

from __future__ import annotations

from typing import Any

from app.accounts.models import User
from app.core.permissions import Role, has_role


def can_manage_users(user: Any) -> bool:
    """Administrators list, invite and edit accounts, and open the site settings."""
    return has_role(user, Role.ADMIN)


def can_manage_user(user: Any, person: User) -> bool:
    """An administrator may open any account (also their own, to see it as others do)."""
    return can_manage_users(user)


def can_change_role(user: Any, person: User) -> bool:
    """Administrators change roles (the service keeps the last administrator from stepping down)."""
    return can_manage_users(user)


def can_change_active(user: Any, person: User) -> bool:
    """Administrators (de)activate accounts, never their own: nobody locks themselves out."""
    return can_manage_users(user) and getattr(user, "id", None) != person.id


def can_resend_invitation(user: Any, person: User) -> bool:
    """A new invitation makes sense for an account that has an address and no password yet."""
    return can_manage_users(user) and bool(person.email) and not person.password_hash
