"""The job engine: Huey, on its SQLite storage for the embedded default, on Redis in production.

Why Huey (compared in docs/architecture.md): it runs embedded with no server (a SQLite file beside the
database), on Redis for any number of workers on any number of machines, and has periodic tasks, delays and
retries built in; Celery and Dramatiq need a broker (their SQLite transports are experimental), RQ needs Redis,
Procrastinate needs PostgreSQL.

The queue carries only message ids: what to do is in the outbox row (``app.jobs.outbox``), committed with the
change that asked for it. Scheduled upkeep (``app.jobs.schedule``) enqueues outbox messages too, under a key per
time slot, so several workers' schedulers never run the same upkeep twice.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask
from huey import RedisHuey, SqliteHuey, crontab

from app.core.db import declare_writing, utcnow
from app.extensions import db

log = logging.getLogger(__name__)


def queue_storage(app: Flask) -> tuple[type, dict]:
    """The Huey class and its arguments for ``MCC_QUEUE_URL`` (sqlite:///path or redis://host:port/db)."""
    url = app.config["QUEUE_URL"]
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey, {"filename": str(path)}
    if scheme in ("redis", "rediss"):
        return RedisHuey, {"url": url}
    raise ValueError(f"MCC_QUEUE_URL must be sqlite:///… or redis://…, not {url!r}")


def make_queue(app: Flask):
    """The Huey instance of ``app``: the web processes only enqueue on it; ``flask jobs worker`` consumes it."""
    from app.jobs import outbox, schedule

    huey_class, options = queue_storage(app)
    huey = huey_class(app.config["QUEUE_NAME"], results=False, utc=True, **options)

    first_thread = threading.Lock()  # never released: held by the first worker thread of the process

    @huey.on_startup(name="mcc.ready")
    def ready() -> None:
        # A worker that starts says so, and takes up what a dead predecessor left (once its lease ran out).
        # Huey runs this in each of the process's worker threads: the first one does it.
        if not first_thread.acquire(blocking=False):
            return
        with app.app_context():
            declare_writing()
            try:
                beat()
                outbox.sweep()
            finally:
                db.session.remove()

    @huey.task(name="mcc.run_message")
    def run_message(message_id: int) -> None:
        with app.app_context():
            try:
                outcome = outbox.process(message_id)
                log.info("outbox message %s: %s", message_id, outcome)
            finally:
                db.session.remove()

    @huey.periodic_task(crontab(minute="*"), name="mcc.every_minute")
    def every_minute() -> None:
        with app.app_context():
            declare_writing()
            try:
                beat()
                schedule.enqueue_due(utcnow())
                outbox.sweep()
            finally:
                db.session.remove()

    huey.run_message = run_message  # type: ignore[attr-defined]
    return huey


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def beat() -> None:
    """This worker is alive (``/healthz`` counts the workers seen in the last minute)."""
    from app.jobs.models import WorkerBeat

    # One statement (an upsert): the startup hook and the first periodic run may beat at the same moment.
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    now = utcnow()
    db.session.execute(insert(WorkerBeat).values(name=worker_name(), seen_at=now)
                       .on_conflict_do_update(index_elements=[WorkerBeat.name], set_={"seen_at": now}))
    db.session.commit()


def queue_health() -> tuple[dict, bool]:
    """For /healthz: can the queue be reached, how old is the oldest waiting message, how many workers were seen in
    the last minute. A queue nobody works off is visible here (old waiting messages, no workers)."""
    from datetime import timedelta

    from flask import current_app
    from sqlalchemy import func, select

    from app.jobs.models import OutboxMessage, WorkerBeat

    now = utcnow()
    facts: dict = {"status": "ok"}
    try:
        facts["queued"] = current_app.extensions["mcc_queue"].pending_count()
    except Exception as error:
        log.error("health check: job queue unreachable: %s", error)
        facts["status"] = "unavailable"
    oldest = db.session.scalar(select(func.min(OutboxMessage.available_at)).where(
        OutboxMessage.done_at.is_(None), OutboxMessage.failed_at.is_(None), OutboxMessage.available_at <= now))
    if oldest is not None and oldest.tzinfo is None:
        from datetime import UTC

        oldest = oldest.replace(tzinfo=UTC)
    facts["oldest_waiting_seconds"] = round((now - oldest).total_seconds()) if oldest else 0
    facts["workers_seen"] = db.session.scalar(select(func.count()).select_from(WorkerBeat).where(
        WorkerBeat.seen_at >= now - timedelta(minutes=1))) or 0
    facts["failed"] = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.failed_at.is_not(None))) or 0
    return facts, facts["status"] == "ok"
