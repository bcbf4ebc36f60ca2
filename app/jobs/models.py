"""The outbox: work a change asks for, written in the same transaction as the change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import utcnow
from app.extensions import db


class OutboxMessage(db.Model):
    """One piece of work for the workers (a mail, a notification, checking an upload, building an export).

    Written in the transaction of the change that asks for it, so a rolled-back change asks for nothing and a
    committed one is never lost; handed to the job queue after the commit, and again by the sweeper when a worker
    died on it (its lease ran out). ``done_at`` is set in the same transaction as the work's own rows, so that
    work happens once however often the message is delivered.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_pending", "done_at", "failed_at", "available_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The registered handler ("mail.send", "notifications.deliver", ...).
    kind: Mapped[str] = mapped_column(String(64), index=True)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Optional idempotency key: a second message with the same key is not written.
    key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Not before this (retries back off; scheduled work).
    available_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: A worker holds the message until then; a dead worker's message is picked up again after it.
    locked_until: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[datetime | None]
    #: Gave up after the last attempt: listed on the admins' "Failed jobs" page, where it can be retried.
    failed_at: Mapped[datetime | None]
    #: The request that asked for it (its log lines and the job's share the id).
    request_id: Mapped[str | None] = mapped_column(String(64))


class WorkerBeat(db.Model):
    """Each worker process says it is alive (for /healthz: "workers seen in the last minute")."""

    __tablename__ = "worker_beats"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)
