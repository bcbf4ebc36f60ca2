"""Who may download and manage certificates (verifying one is public)."""

from __future__ import annotations

from typing import Any

from app.certificates.models import Certificate
from app.core.permissions import Role, has_role


def can_download(user: Any, certificate: Certificate) -> bool:
    """The holder and coordinators download the PDF."""
    return getattr(user, "id", None) == certificate.user_id or has_role(user, Role.COORDINATOR)


def can_manage_certificates(user: Any) -> bool:
    """Coordinators list and revoke certificates."""
    return has_role(user, Role.COORDINATOR)
