"""Who may read, propose, write and decide bulletin posts."""

from __future__ import annotations

from typing import Any

from app.bulletin.models import Post, PostStatus, Visibility
from app.core.permissions import Role, is_coordinator


def can_propose(user: Any) -> bool:
    """Any logged-in person but trainees (firms' people, trainers, mentors) may propose a post to the coordinators."""
    return bool(getattr(user, "is_authenticated", False)) and user.role != Role.TRAINEE


def can_publish(user: Any) -> bool:
    """Coordinators write and publish directly, and decide members' proposals."""
    return is_coordinator(user)


def can_read(user: Any, post: Post) -> bool:
    """Published posts: public ones for everyone, members-only ones for logged-in people. Anything else: its
    author and coordinators. A deleted post: nobody."""
    if post.deleted_at is not None:
        return False
    if post.status == PostStatus.PUBLISHED:
        return post.visibility == Visibility.PUBLIC or bool(getattr(user, "is_authenticated", False))
    return can_edit(user, post)


def can_edit(user: Any, post: Post) -> bool:
    """Coordinators edit any post; an author edits their own until it is published."""
    if post.deleted_at is not None or not getattr(user, "is_authenticated", False):
        return False
    if can_publish(user):
        return True
    return post.author_id == user.id and post.status != PostStatus.PUBLISHED
