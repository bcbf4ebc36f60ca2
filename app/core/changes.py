"""A tiny seam for writes the ORM's session events cannot see (Core ``insert``/``update`` statements).

A writer calls ``mark(topic, keys)`` after such a statement; whoever keeps figures derived from those rows
subscribes to the topic (``subscribe``) and brings them up to date before the transaction commits. ``app.core``
knows no domain: topics are plain strings agreed between the writer and the subscriber.

Topics in use: ``"lesson_progress"`` with ``(user_id, course_id)`` keys (``app.reporting.summaries`` keeps the
per-enrolment summaries).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

_subscribers: dict[str, list[Callable[[list[Any]], None]]] = {}


def subscribe(topic: str, handler: Callable[[list[Any]], None]) -> None:
    handlers = _subscribers.setdefault(topic, [])
    if handler not in handlers:
        handlers.append(handler)


def mark(topic: str, keys: Iterable[Any]) -> None:
    """Rows of ``topic`` with these keys were written outside the ORM in the current transaction."""
    keys = list(keys)
    for handler in _subscribers.get(topic, ()):
        handler(keys)
