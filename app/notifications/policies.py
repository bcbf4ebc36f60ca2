"""Notifications are their reader's alone."""

from __future__ import annotations

from typing import Any

from app.notifications.models import Notification


def can_read(user: Any, notification: Notification) -> bool:
    return getattr(user, "id", None) == notification.user_id
