"""The main navigation, assembled from items each domain registers (so no domain edits base.html)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import url_for
from flask_login import current_user

from app.core.permissions import Role, has_role
from app.core.urls import fixed_url


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object  # a lazy translation
    order: int
    #: None: shown to everyone; empty tuple: to any logged-in user; else to these roles (and admins).
    roles: tuple[Role, ...] | None = None
    anonymous_only: bool = False
    url_values: dict = field(default_factory=dict)
    #: Extra condition on the current user (e.g. "is a mentor for some firm").
    visible_if: Callable[[Any], bool] | None = None

    def visible(self, user: Any = None) -> bool:
        user = current_user._get_current_object() if user is None else user
        authenticated = user.is_authenticated
        if self.visible_if is not None:
            return bool(authenticated and self.visible_if(user))
        if self.anonymous_only:
            return not authenticated
        if self.roles is None:
            return True
        if not authenticated:
            return False
        return not self.roles or has_role(user, *self.roles)

    @property
    def url(self) -> str:
        return url_for(self.endpoint, **self.url_values) if self.url_values else fixed_url(self.endpoint)


_ITEMS: list[NavItem] = []


def register_nav(endpoint: str, label: object, order: int, roles: tuple[Role, ...] | None = None,
                 anonymous_only: bool = False, visible_if: Callable[[Any], bool] | None = None) -> None:
    if any(item.endpoint == endpoint for item in _ITEMS):
        return
    _ITEMS.append(NavItem(endpoint, label, order, roles, anonymous_only, visible_if=visible_if))
    _ITEMS.sort(key=lambda item: item.order)


def visible_nav_items() -> list[NavItem]:
    user = current_user._get_current_object()  # once: every item asks
    return [item for item in _ITEMS if item.visible(user)]
