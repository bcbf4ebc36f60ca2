"""Writing and searching the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import has_request_context, request
from sqlalchemy import Select, select

from app.audit.models import AuditEntry
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


@dataclass
class AuditFilter:
    action: str | None = None
    actor_id: int | None = None
    object_type: str | None = None
    object_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def search_query(criteria: AuditFilter) -> Select:
    query = select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    if criteria.action:
        query = query.where(AuditEntry.action.startswith(criteria.action))
    if criteria.actor_id:
        query = query.where(AuditEntry.actor_id == criteria.actor_id)
    if criteria.object_type:
        query = query.where(AuditEntry.object_type == criteria.object_type)
    if criteria.object_id:
        query = query.where(AuditEntry.object_id == criteria.object_id)
    if criteria.since:
        query = query.where(AuditEntry.created_at >= criteria.since)
    if criteria.until:
        query = query.where(AuditEntry.created_at < criteria.until)
    return query
