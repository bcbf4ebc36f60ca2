"""Sections another domain adds to a page it does not own (a member's directory page shows the firm's internship
offers, which belong to placements): the page's domain renders ``page_sections(page, user, obj)``, the other
domain registers what to show, so neither imports the other (as with home panels and navigation).

A section is a template fed by ``build(user, obj) -> dict | None``; None leaves the section out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PageSection:
    page: str
    name: str
    order: int
    #: Rendered with ``section`` (this object), ``obj`` and ``data`` (what ``build`` returned) in its context.
    template: str
    build: Callable[[Any, Any], dict | None]


_SECTIONS: list[PageSection] = []


def register_section(page: str, name: str, order: int, template: str,
                     build: Callable[[Any, Any], dict | None]) -> None:
    """Add a section to ``page`` (once per name: ``create_app`` may run several times in one process)."""
    if any(s.page == page and s.name == name for s in _SECTIONS):
        return
    _SECTIONS.append(PageSection(page, name, order, template, build))
    _SECTIONS.sort(key=lambda s: (s.page, s.order, s.name))


def page_sections(page: str, user: Any, obj: Any) -> list[tuple[PageSection, dict]]:
    shown = []
    for section in _SECTIONS:
        if section.page == page and (data := section.build(user, obj)) is not None:
            shown.append((section, data))
    return shown
