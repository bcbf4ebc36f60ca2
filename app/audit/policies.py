"""Who reads the audit trail (nobody edits it: entries are only ever added)."""

from __future__ import annotations

from typing import Any

from app.core.permissions import Role, has_role


def can_search_audit(user: Any) -> bool:
    """Coordinators (and administrators) answer for the project's evidence: they search the trail."""
    return has_role(user, Role.COORDINATOR)
