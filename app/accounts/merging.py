"""Merging two records of one person (a managed participant who later got a login, a duplicate account).

Each domain that keeps rows per person registers a step that moves them from the old record to the kept one,
so nothing is duplicated and nothing is lost. The old record stays, inactive, pointing to the kept one.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.core.audit import record_event
from app.core.errors import DomainError
from app.extensions import db

MergeStep = Callable[[User, User], None]
_STEPS: list[MergeStep] = []


def register_merge_step(step: MergeStep) -> None:
    if step not in _STEPS:
        _STEPS.append(step)


def merge_users(source: User, target: User, actor: User) -> None:
    """Move everything of ``source`` to ``target`` and retire ``source`` (flushes)."""
    if source.id == target.id:
        raise DomainError(_l("A record cannot be merged into itself."))
    if source.merged_into_id or target.merged_into_id:
        raise DomainError(_l("This record has already been merged."))
    for step in _STEPS:
        step(source, target)
    source.merged_into_id = target.id
    source.is_active = False
    record_event("accounts.merged", actor=actor, obj=source, after={"merged_into": target.id})
    db.session.flush()
