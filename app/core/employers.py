"""A person's employer, as the domains that take it in write it (the profile, a coordinator recording a participant,
the bulk import), without importing the cluster network: the network owns the directory and imports accounts, so
accounts and enrolment cannot import it back. The network registers its resolver here (``init_app``), as domains
register home panels and page sections.

The resolver turns what the person typed or chose (a member's name, any spelling a coordinator confirmed, a text
with the member's registration number) into the member's id; anything else stays as the "other" employer's name,
kept for a coordinator to match later.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

#: text → the member's id, or None when no member fits.
Resolver = Callable[[str], int | None]
#: member ids → their names (to show in a form or a list), one query.
Namer = Callable[[Iterable[int]], dict[int, str]]

_hooks: dict[str, Callable] = {}


def register_employer_hooks(resolve: Resolver, names: Namer) -> None:
    _hooks["resolve"], _hooks["names"] = resolve, names


def set_employer(person: Any, text: str | None) -> None:
    """The employer from ``text``: a member of the directory when one fits, else the name kept as "other"."""
    text = (text or "").strip()
    member_id = _hooks["resolve"](text) if text and "resolve" in _hooks else None
    person.employer_id = member_id
    person.company_name = None if member_id is not None else (text or None)


def employer_text(person: Any) -> str:
    """What a form shows in the employer field: the member's name, or the "other" name as written."""
    if getattr(person, "employer_id", None):
        return employer_names([person.employer_id]).get(person.employer_id, "")
    return getattr(person, "company_name", None) or ""


def employer_names(member_ids: Iterable[int | None]) -> dict[int, str]:
    """The names of these members (for lists of people), in one query."""
    ids = {i for i in member_ids if i}
    return _hooks["names"](ids) if ids and "names" in _hooks else {}
