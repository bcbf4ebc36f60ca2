"""Scheduled upkeep: each domain says what runs when; every run is an outbox message (so it is retried, listed
when it fails, and run once per time slot however many workers' schedulers fire).

    every("storage.cleanup_uploads", "catalogue.cleanup_uploads", hour=3, minute=10)

Each is also runnable by hand: ``flask jobs run catalogue.cleanup_uploads``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from huey import crontab

from app.extensions import db


@dataclass(frozen=True)
class Scheduled:
    name: str
    kind: str
    crontab: dict
    payload: dict = field(default_factory=dict)

    def is_due(self, moment: datetime) -> bool:
        return crontab(**self.crontab)(moment.replace(tzinfo=None))


SCHEDULE: dict[str, Scheduled] = {}


def every(name: str, kind: str, payload: dict | None = None, **when: str | int) -> None:
    """Run ``kind`` at the times ``when`` names (cron fields: minute, hour, day, month, day_of_week; UTC)."""
    SCHEDULE[name] = Scheduled(name, kind, {k: str(v) for k, v in when.items()}, payload or {})


def enqueue_due(moment: datetime) -> int:
    """Ask for every scheduled run due in this minute (once: the key names the slot)."""
    from app.jobs.outbox import enqueue

    slot = moment.strftime("%Y%m%dT%H%M")
    count = 0
    for scheduled in SCHEDULE.values():
        if scheduled.is_due(moment) and enqueue(scheduled.kind, scheduled.payload, key=f"{scheduled.name}:{slot}"):
            count += 1
    db.session.commit()
    return count
