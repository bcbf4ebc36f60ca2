"""Searching the audit trail (entries are written by ``app.core.audit.record_event``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select

from app.core.models import AuditEntry


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
