"""Run-time site settings kept in the database; the environment supplies defaults."""

from __future__ import annotations

import json
from typing import Any

from flask import current_app

from app.core.audit import record_event
from app.core.db import utcnow
from app.core.models import SiteSetting
from app.extensions import db

SELF_REGISTRATION = "self_registration"
#: Craftspeople and firms may register themselves in the directory (their entry waits for a coordinator).
DIRECTORY_REGISTRATION = "directory_registration"


def _defaults() -> dict[str, Any]:
    return {SELF_REGISTRATION: current_app.config["SELF_REGISTRATION_DEFAULT"], DIRECTORY_REGISTRATION: False}


def get_setting(key: str) -> Any:
    row = db.session.get(SiteSetting, key)
    return json.loads(row.value) if row else _defaults()[key]


def set_setting(key: str, value: Any, actor_id: int | None) -> None:
    """Store a setting (flushes; the caller commits); a change of its value is recorded in the audit trail."""
    if key not in _defaults():
        raise KeyError(key)
    previous = get_setting(key)
    row = db.session.get(SiteSetting, key)
    if row is None:
        row = SiteSetting(key=key, value="null")
        db.session.add(row)
    row.value = json.dumps(value)
    row.updated_at = utcnow()
    row.updated_by_id = actor_id
    db.session.flush()
    if value != previous:
        record_event("core.setting_changed", actor=actor_id, object_type="site_settings", object_id=key,
                     before={"value": previous}, after={"value": value})


def self_registration_enabled() -> bool:
    return bool(get_setting(SELF_REGISTRATION))


def directory_registration_enabled() -> bool:
    return bool(get_setting(DIRECTORY_REGISTRATION))
