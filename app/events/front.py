"""The events' block on the public front page (``core.front``) and the home panel "My events"."""

from __future__ import annotations

from typing import Any

from app.events.services import my_events, visible_events

#: How many coming events the front page lists.
FRONT_COUNT = 4


def upcoming_events(user: Any, _obj: Any) -> dict | None:
    """The next public events (members-only ones too for people of the cluster); none: no block."""
    events = [e for e in visible_events(user, limit=FRONT_COUNT * 2) if not e.is_cancelled][:FRONT_COUNT]
    return {"events": events} if events else None


def my_events_panel(user: Any) -> dict | None:
    """The person's coming events, confirmed or waiting (none: no panel)."""
    mine = my_events(user)
    return {"registrations": mine} if mine else None
