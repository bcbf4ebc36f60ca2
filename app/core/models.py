"""Rows every domain writes: site-wide settings and the audit trail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import utcnow
from app.extensions import db


class SiteSetting(db.Model):
    """A setting admins change at run time (environment variables give the defaults)."""

    __tablename__ = "site_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: JSON-encoded value.
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class AuditEntry(db.Model):
    """Who did what to which object, when, with the values before and after.

    Rows are only ever inserted (the app has no code path that updates or deletes them), in the same
    transaction as the change they describe: a rolled-back change leaves no entry.
    """

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: Dotted name of the action, e.g. "auth.login_failed", "accounts.role_changed", "training.attendance_changed".
    action: Mapped[str] = mapped_column(String(64), index=True)
    #: Who acted; None for the system or an anonymous visitor.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    object_type: Mapped[str | None] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    #: Client address (for security events), as seen behind the trusted proxies.
    ip_address: Mapped[str | None] = mapped_column(String(45))
