"""Scheduled upkeep: each domain says what runs when; every run is an outbox message (so it is retried, listed
when it fails, and run once per time slot however many workers' schedulers fire).

    every("storage.cleanup_uploads", "catalogue.cleanup_uploads", hour=3, minute=10)
    every("backup.scheduled", "backup.scheduled", setting="BACKUP_SCHEDULE")   # when an operator says (cron)

Each is also runnable by hand: ``flask jobs run catalogue.cleanup_uploads``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from huey import crontab

from app.extensions import db

log = logging.getLogger(__name__)
CRON_FIELDS = ("minute", "hour", "day", "month", "day_of_week")


@dataclass(frozen=True)
class Scheduled:
    name: str
    kind: str
    crontab: dict
    payload: dict = field(default_factory=dict)
    #: A setting holding the times as a cron line (``30 1 * * *``); empty: never.
    setting: str | None = None

    def is_due(self, moment: datetime) -> bool:
        when = self.crontab
        if self.setting is not None:
            line = current_app.config.get(self.setting) or ""
            if not line.strip():
                return False
            when = cron_fields(line)
        return crontab(**when)(moment.replace(tzinfo=None))


def cron_fields(line: str) -> dict[str, str]:
    """``"30 1 * * *"`` as crontab arguments; ValueError (saying what is wrong) for anything else."""
    parts = line.split()
    if len(parts) != len(CRON_FIELDS):
        raise ValueError(f"{line!r} is not a cron line: it needs five fields, minute hour day month weekday "
                         "(\"30 1 * * *\" is 01:30 UTC every day)")
    fields = dict(zip(CRON_FIELDS, parts, strict=True))
    try:
        crontab(**fields)  # huey refuses values out of range
    except ValueError as error:
        raise ValueError(f"{line!r}: {error} (the fields are minute hour day month weekday)") from None
    return fields


SCHEDULE: dict[str, Scheduled] = {}


def every(name: str, kind: str, payload: dict | None = None, *, setting: str | None = None,
          **when: str | int) -> None:
    """Run ``kind`` at the times ``when`` names (cron fields: minute, hour, day, month, day_of_week; UTC), or
    at those the cron line in the setting ``setting`` names."""
    SCHEDULE[name] = Scheduled(name, kind, {k: str(v) for k, v in when.items()}, payload or {}, setting)


def enqueue_due(moment: datetime) -> int:
    """Ask for every scheduled run due in this minute (once: the key names the slot)."""
    from app.jobs.outbox import enqueue

    slot = moment.strftime("%Y%m%dT%H%M")
    count = 0
    for scheduled in SCHEDULE.values():
        try:
            due = scheduled.is_due(moment)
        except ValueError as error:  # a setting changed under a running worker: the rest of the upkeep goes on
            log.error("scheduled %s: MCC_%s %s", scheduled.name, scheduled.setting, error)
            continue
        if due and enqueue(scheduled.kind, scheduled.payload, key=f"{scheduled.name}:{slot}"):
            count += 1
    db.session.commit()
    return count
