"""The bulletin's block on the public front page (``core.front``)."""

from __future__ import annotations

from typing import Any

from app.bulletin.services import visible_posts


def latest_posts(user: Any, _obj: Any) -> dict | None:
    """The three newest posts the visitor may read (nothing to show: no block)."""
    posts = visible_posts(user, limit=3)
    return {"posts": posts} if posts else None
