"""Writing the audit trail: every domain records what it changes, in the same transaction as the change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import has_request_context, request

from app.core.models import AuditEntry
from app.extensions import db


def _jsonable(values: dict[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    result: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, datetime):
            value = value.isoformat()
        elif hasattr(value, "value") and not isinstance(value, int | float | str | bool):
            value = value.value  # enums
        elif not isinstance(value, int | float | str | bool | list | dict | type(None)):
            value = str(value)
        result[key] = value
    return result


def _unproxied(value: Any) -> Any:
    # current_user is a werkzeug LocalProxy; the audit wants the object behind it.
    getter = getattr(value, "_get_current_object", None)
    return getter() if callable(getter) else value


def record_event(action: str, *, actor: Any = None, obj: Any = None, object_type: str | None = None,
                 object_id: Any = None, before: dict | None = None, after: dict | None = None) -> AuditEntry:
    """Add an audit entry to the current transaction (flushed; it commits or rolls back with the change)."""
    obj, actor = _unproxied(obj), _unproxied(actor)
    if obj is not None:
        object_type = object_type or type(obj).__tablename__
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
    entry = AuditEntry(
        action=action,
        actor_id=getattr(actor, "id", actor) if actor is not None and getattr(actor, "is_authenticated", True)
        else None,
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else None,
        before=_jsonable(before),
        after=_jsonable(after),
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def _text_lengths(before: dict[str, str], after: dict[str, str]) -> tuple[dict, dict]:
    # Long texts never go into the trail: the languages that changed, with their lengths (None: no text).
    changed = sorted(lang for lang in {*before, *after} if before.get(lang) != after.get(lang))
    return ({lang: len(before[lang]) if before.get(lang) else None for lang in changed},
            {lang: len(after[lang]) if after.get(lang) else None for lang in changed})


def audit_changes(before: dict, after: dict, texts: tuple[str, ...] = ()) -> tuple[dict, dict]:
    """The fields of two snapshots that differ, as the audit entry's (before, after); the fields named in ``texts``
    are per-language texts, given as the changed languages and their lengths (see ``_text_lengths``)."""
    old, new = {}, {}
    for name in after:
        if name in texts:
            lengths = _text_lengths(before.get(name) or {}, after[name] or {})
            if lengths[1]:
                old[name], new[name] = lengths
        elif before.get(name) != after[name]:
            old[name], new[name] = before.get(name), after[name]
    return old, new
