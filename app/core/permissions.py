"""Roles and the coarse access checks shared by every domain.

Fine-grained rules ("may this trainer edit this course?") live in each domain's ``policies.py``.
The admin role is the site's superuser: every ``role_required`` check admits it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from flask import abort
from flask_login import current_user

from app.extensions import db, login_manager

if TYPE_CHECKING:
    from app.accounts.models import User

F = TypeVar("F", bound=Callable[..., Any])
M = TypeVar("M")


class Role(enum.StrEnum):
    TRAINEE = "trainee"
    TRAINER = "trainer"
    COORDINATOR = "coordinator"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        from app.core.i18n import ROLE_LABELS

        return str(ROLE_LABELS[self])


def has_role(user: User | Any, *roles: Role) -> bool:
    """True when the user is logged in and holds one of ``roles`` (admins hold every role)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.role == Role.ADMIN or user.role in roles


def role_required(*roles: Role) -> Callable[[F], F]:
    """Anonymous users go to the login page; logged-in users without one of ``roles`` get 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not has_role(current_user, *roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def get_or_403(model: type[M], ident: Any, allowed: Callable[[M], bool]) -> M:
    """Load a row by primary key: 404 if it does not exist, 403 if ``allowed(row)`` is false."""
    obj = db.get_or_404(model, ident)
    if not allowed(obj):
        abort(403)
    return obj
