"""Facts about the logged-in person that every page asks (the menu: "acts for a member?", "mentors interns?"),
loaded in the same query as the person.

Each domain registers a fact as a correlated SQL expression over the user's id; the session loader
(``app.accounts.sessions.load``) selects them all with the user row, so the menu costs no query of its own and is
never stale (it is read again with the user on every request). A user loaded some other way (an API token, a
test) gets the fact computed each time it is asked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, literal, select

#: name → function building the fact's boolean SQL expression from the user id column.
_FACTS: dict[str, Callable[[Any], ColumnElement[bool]]] = {}
_ATTRIBUTE = "mcc_facts"


def register_user_fact(name: str, expression: Callable[[Any], ColumnElement[bool]]) -> None:
    _FACTS[name] = expression


def fact_columns(user_id: Any) -> list[ColumnElement[bool]]:
    """The registered facts as labelled columns to select beside the user (``user_id``: its id column)."""
    return [expression(user_id).label(f"fact_{name}") for name, expression in _FACTS.items()]


def remember_facts(user: Any, row: Any) -> None:
    """Keep on ``user`` the facts selected with it (``row``: the result row holding ``fact_columns``)."""
    setattr(user, _ATTRIBUTE, {name: bool(getattr(row, f"fact_{name}")) for name in _FACTS})


def user_fact(user: Any, name: str) -> bool:
    """The fact ``name`` about ``user`` (False for visitors)."""
    if not getattr(user, "is_authenticated", False):
        return False
    facts = getattr(user, _ATTRIBUTE, None)
    if facts is not None and name in facts:
        return facts[name]
    from app.extensions import db

    # Not remembered: a row may outlive a request in a worker or a test, and the fact may change meanwhile.
    return bool(db.session.scalar(select(_FACTS[name](literal(user.id)))))
