"""Scheduled backups, configured in one place (``MCC_BACKUP_DIR``, ``MCC_BACKUP_SCHEDULE``, ``MCC_BACKUP_KEEP``):
a worker writes ``mcc-<UTC time>.zip`` into the folder at the scheduled times (encrypted when
``MCC_BACKUP_ENCRYPTION_KEY`` is set), then deletes the oldest beyond the number kept — only once the new one is
complete, so a failing backup never costs an old one.

A scheduled backup records stored objects that are missing instead of refusing (a night without any backup is
worse); it logs them as errors and the audit trail lists them. A failure is retried once, then shows on the
admins' "Failed jobs" page. ``flask jobs run backup.scheduled`` makes one now.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from pathlib import Path

from flask import current_app

from app.backup.create import create_backup
from app.backup.keys import backup_keys
from app.core.audit import record_event
from app.core.db import reading_only, utcnow
from app.jobs.outbox import handler
from app.jobs.schedule import cron_fields, every
from config import ConfigError

log = logging.getLogger(__name__)
#: The names scheduled backups get (and the only files retention ever deletes).
NAME = re.compile(r"^mcc-\d{8}T\d{6}Z\.zip$")
#: A backup of many gigabytes takes a while: no other worker takes the job up while this one may still work.
LEASE_SECONDS = 12 * 3600


def check_settings(config) -> None:
    """Refuse to start with a schedule no worker could follow (rather than find out after the first missed night)."""
    if config.get("BACKUP_DIR") and (config.get("BACKUP_SCHEDULE") or "").strip():
        try:
            cron_fields(config["BACKUP_SCHEDULE"])
        except ValueError as error:
            raise ConfigError(f"MCC_BACKUP_SCHEDULE: {error}.") from None
    if int(config.get("BACKUP_KEEP") or 0) < 1:
        raise ConfigError("MCC_BACKUP_KEEP must be at least 1 (the newest backup is always kept).")


def archive_name(moment: datetime) -> str:
    return f"mcc-{moment:%Y%m%dT%H%M%SZ}.zip"


def scheduled_archives(folder: Path) -> list[Path]:
    """The scheduled backups in ``folder``, oldest first (their names sort by time)."""
    return sorted(path for path in folder.iterdir() if path.is_file() and NAME.match(path.name))


def make_scheduled_backup(now: datetime | None = None) -> Path | None:
    """Write one backup into ``MCC_BACKUP_DIR`` and apply the retention; None when no folder is configured."""
    config = current_app.config
    if not config.get("BACKUP_DIR"):
        log.info("scheduled backup skipped: MCC_BACKUP_DIR is not set")
        return None
    folder = Path(config["BACKUP_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    keys = backup_keys(config)
    target = folder / archive_name(now or utcnow())
    # Reads every table in one snapshot without holding SQLite's write lock: people keep working meanwhile.
    with reading_only():
        manifest = create_backup(target, keys, encrypt=keys.encryption_key is not None, allow_missing=True)
    for missing in manifest["missing"]:
        log.error("scheduled backup %s: stored object %s is missing (in %s)", target.name, missing["key"],
                  ", ".join(missing["referenced_by"]))
    removed = remove_old_archives(folder, keep=max(1, int(config["BACKUP_KEEP"])))
    record_event("backup.scheduled", object_type="backups", after={
        "archive": target.name, "size": target.stat().st_size, "encrypted": keys.encryption_key is not None,
        "objects": len(manifest["objects"]), "missing": [m["key"] for m in manifest["missing"]],
        "removed": [path.name for path in removed]})
    log.info("scheduled backup %s written (%s objects); %s older removed", target, len(manifest["objects"]),
             len(removed))
    return target


def remove_old_archives(folder: Path, keep: int) -> list[Path]:
    """Delete the oldest scheduled backups beyond the newest ``keep`` (other files in the folder stay)."""
    archives = scheduled_archives(folder)
    old = archives[:-keep] if keep < len(archives) else []
    for path in old:
        path.unlink(missing_ok=True)
    return old


@handler("backup.scheduled", attempts=2, lease_seconds=LEASE_SECONDS)
def run_scheduled_backup(payload: dict) -> None:
    make_scheduled_backup()


every("backup.scheduled", "backup.scheduled", setting="BACKUP_SCHEDULE")
