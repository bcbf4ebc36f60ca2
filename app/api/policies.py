"""Who manages which API token. (What a token may do is its scopes *and* its owner's rights.)"""

from __future__ import annotations

from typing import Any

from app.api.models import ApiToken
from app.core.permissions import Role, has_role


def can_have_tokens(user: Any) -> bool:
    """Every person who can log in may make personal tokens for their own data."""
    return bool(getattr(user, "is_authenticated", False))


def can_revoke_token(user: Any, token: ApiToken) -> bool:
    """People revoke their own tokens; admins revoke any (a service token, a leaked personal one)."""
    return has_role(user, Role.ADMIN) or (not token.is_service and getattr(user, "id", None) == token.user_id)


def can_issue_service_tokens(user: Any) -> bool:
    """Service tokens for integrations are issued by admins."""
    return has_role(user, Role.ADMIN)
