"""Roles, the coarse role check, and the one loader every route uses to fetch a row and check access to it.

Fine-grained rules ("may this trainer edit this course?") are pure ``can_*(user, obj)`` functions in each domain's
``policies.py``; routes pass them to ``load_or_403`` and templates receive their answers (or call them), never
comparing role strings. The admin role is the site's superuser: every ``role_required`` check admits it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.extensions import db, login_manager

F = TypeVar("F", bound=Callable[..., Any])
M = TypeVar("M")

#: The largest id a route accepts: PostgreSQL's ``integer``; anything beyond cannot exist (404, not a 500).
MAX_ID = 2**31 - 1


class Role(enum.StrEnum):
    TRAINEE = "trainee"
    TRAINER = "trainer"
    #: A firm's employee who looks after interns; what they mentor comes from their company links
    #: (``CompanyMember.is_mentor``), which trainers may hold too.
    MENTOR = "mentor"
    COORDINATOR = "coordinator"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.TRAINEE: _l("Trainee"),
    Role.TRAINER: _l("Trainer"),
    Role.MENTOR: _l("Company mentor"),
    Role.COORDINATOR: _l("Coordinator"),
    Role.ADMIN: _l("Administrator"),
}


def has_role(user: Any, *roles: Role) -> bool:
    """True when the user is logged in and holds one of ``roles`` (admins hold every role)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.role == Role.ADMIN or user.role in roles


def is_staff(user: Any) -> bool:
    """Trainers, coordinators and admins: the people who run courses."""
    return has_role(user, Role.TRAINER, Role.COORDINATOR)


def is_coordinator(user: Any) -> bool:
    return has_role(user, Role.COORDINATOR)


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


def load_or_404(model: type[M], ident: Any, *, options: tuple = ()) -> M:
    """The row ``ident`` of ``model``, or 404 (also for ids no column can hold)."""
    if not isinstance(ident, int) or not 0 < ident <= MAX_ID:
        abort(404)
    obj = db.session.get(model, ident, options=options)
    if obj is None:
        abort(404)
    return obj


def load_or_403(model: type[M], ident: Any, policy: Callable[[Any, M], bool] | None = None, *,
                options: tuple = ()) -> M:
    """Load a row (404 if missing), then ask ``policy(current_user, row)``: refused → 403, or the login page for
    anonymous visitors."""
    obj = load_or_404(model, ident, options=options)
    if policy is not None and not policy(current_user, obj):
        deny()
    return obj


def deny() -> None:
    """Refuse the current request: the login page for anonymous visitors, 403 for everyone else."""
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    abort(403)
