"""When the menu offers "My interns": to people linked to a firm as mentors (the company link, whatever the role)."""

from __future__ import annotations

import time
from typing import Any

from flask import session

from app.placements.policies import is_mentor

#: How long the answer is remembered in the session: every page asks, the link rarely changes.
MENU_HINT_SECONDS = 300


def shows_mentor_menu(user: Any) -> bool:
    """Whether the menu offers "My interns": remembered in the session for a few minutes, because every page
    asks. Only a hint — each mentor page checks the company link itself."""
    remembered = session.get("mentor_menu")
    now = int(time.time())
    if remembered and remembered[0] == user.id and now - remembered[1] < MENU_HINT_SECONDS:
        return bool(remembered[2])
    value = is_mentor(user)
    session["mentor_menu"] = [user.id, now, value]
    return value
