"""Who may take a person's data out of MCC, and who may erase a person."""

from __future__ import annotations

from typing import Any

from app.accounts.models import User
from app.core.permissions import Role, has_role


def can_export_own_data(user: Any) -> bool:
    """Everyone with an account downloads everything MCC keeps about them (GDPR Art. 15 and 20)."""
    return bool(getattr(user, "is_authenticated", False))


def can_erase_people(user: Any, person: User | None = None) -> bool:
    """Erasure on request is an administrator's decision, recorded with its reason; they open the erasure page of
    any record (it says when the person is erased already)."""
    return has_role(user, Role.ADMIN)


def can_erase(user: Any, person: User) -> bool:
    """An administrator erases someone else who is not erased yet; a record merged into another account is
    erased with that account, never on its own."""
    return (can_erase_people(user) and person.id != getattr(user, "id", None) and person.erased_at is None
            and person.merged_into_id is None)
