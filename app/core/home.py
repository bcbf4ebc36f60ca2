"""The logged-in home page ("what to do next"), assembled from panels each domain registers (so core imports no
domain, as with ``navigation``).

A panel is a template fed by a builder: ``build(user) -> dict | None`` returns the template's context, or None
when the panel does not concern the person at all. A panel that concerns them but has nothing waiting returns its
context anyway (with empty lists): the template then says so in one friendly line. ``visible_if(user)`` is asked
first and cheaply (a role, a company link), so builders of other roles' panels never run. Builders must run a
fixed number of queries whatever the amount of data (the home page is the most visited page).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.core.permissions import Role, has_role


@dataclass(frozen=True)
class HomePanel:
    name: str
    order: int
    #: Rendered with ``panel`` (this object) and ``data`` (what ``build`` returned) in its context.
    template: str
    build: Callable[[Any], dict | None]
    visible_if: Callable[[Any], bool]


_PANELS: list[HomePanel] = []


# Who a panel is for (``visible_if``). Trainees' and trainers' panels go to exactly that role: an admin, who passes
# every role check, gets the project-wide coordinators' panels rather than a trainee's empty ones.
def for_trainees(user: Any) -> bool:
    return getattr(user, "role", None) == Role.TRAINEE


def for_trainers(user: Any) -> bool:
    return getattr(user, "role", None) == Role.TRAINER


def for_coordinators(user: Any) -> bool:
    """Coordinators and admins."""
    return has_role(user, Role.COORDINATOR)


def register_home_panel(name: str, order: int, template: str, build: Callable[[Any], dict | None],
                        visible_if: Callable[[Any], bool]) -> None:
    """Add a panel to the home page (once per name: ``create_app`` may run several times in one process)."""
    if any(panel.name == name for panel in _PANELS):
        return
    _PANELS.append(HomePanel(name, order, template, build, visible_if))
    _PANELS.sort(key=lambda panel: (panel.order, panel.name))


def registered_panels() -> list[HomePanel]:
    return list(_PANELS)


def home_panels(user: Any) -> list[tuple[HomePanel, dict]]:
    """The panels ``user`` sees, in order, each with its built context. Anonymous visitors see none."""
    if not getattr(user, "is_authenticated", False):
        return []
    shown = []
    for panel in _PANELS:
        if not panel.visible_if(user):
            continue
        data = panel.build(user)
        if data is not None:
            shown.append((panel, data))
    return shown
