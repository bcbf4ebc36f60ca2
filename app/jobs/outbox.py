"""Work that must happen because a change was committed: written as an outbox row in the same transaction,
handed to the job queue after the commit, done by a worker.

    from app.jobs.outbox import enqueue, handler

    @handler("mail.send")
    def send(payload: dict) -> None: ...          # runs in a worker, inside one transaction

    enqueue("mail.send", {"to": ..., "subject": ..., "body": ...})   # in a service or route, before the commit

Guarantees:
- A rolled-back change enqueues nothing (the row goes with it, and the hand-over waits for the commit).
- A committed change is never lost: if the hand-over or the worker fails, the sweeper (every minute) hands the
  message over again once its lease has run out.
- The work's own rows and the "done" mark are committed together, so its effect happens once however often the
  message is delivered (a worker killed half-way leaves nothing committed; the next delivery does it all).
  Effects outside the database (an SMTP send) can in the worst case repeat once, if a worker dies between the
  send and the commit of its mark.
- A failing handler is retried with growing delays (1, 2, 4, ... minutes by default, at most an hour apart);
  after its last attempt the message is "failed": admins see it with its error on the "Failed jobs" page and can
  retry it.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, g, has_request_context
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from app.core.db import declare_writing, utcnow
from app.core.uow import after_commit
from app.extensions import db
from app.jobs.models import OutboxMessage

log = logging.getLogger(__name__)

#: Retries never wait longer than this (the first waits ``MCC_JOB_RETRY_SECONDS``, each next one twice as long).
MAX_DELAY = timedelta(hours=1)


@dataclass(frozen=True)
class Handler:
    run: Callable[[dict], None]
    attempts: int
    #: How long a worker holds such a job (default ``MCC_JOB_LEASE_SECONDS``): long work (a backup) needs longer,
    #: or the sweeper would hand it to a second worker while the first still works on it.
    lease_seconds: int | None = None


HANDLERS: dict[str, Handler] = {}


def handler(kind: str, *, attempts: int = 8, lease_seconds: int | None = None) -> Callable:
    """Register the function that does ``kind`` work (it flushes, never commits)."""

    def register(function: Callable[[dict], None]) -> Callable[[dict], None]:
        HANDLERS[kind] = Handler(function, attempts, lease_seconds)
        return function

    return register


def _lease(work: Handler) -> timedelta:
    return timedelta(seconds=work.lease_seconds or current_app.config["JOB_LEASE_SECONDS"])


def enqueue(kind: str, payload: dict | None = None, *, key: str | None = None,
            not_before: datetime | None = None) -> OutboxMessage | None:
    """Ask for ``kind`` work, as part of the current transaction. With ``key``, a message already asked for under
    the same key is not asked for again (returns None)."""
    if kind not in HANDLERS:
        raise LookupError(f"no handler is registered for {kind!r}")
    if key is not None and db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key)):
        return None
    message = OutboxMessage(kind=kind, payload=payload or {}, key=key, available_at=not_before or utcnow(),
                            request_id=g.get("request_id") if has_request_context() else None)
    try:
        with db.session.begin_nested():  # a concurrent twin under the same key loses quietly
            db.session.add(message)
    except IntegrityError:
        return None
    message_id, eta = message.id, message.available_at
    log.info("queued %s #%s", kind, message_id)
    after_commit(lambda: dispatch(message_id, eta))
    return message


def dispatch(message_id: int, eta: datetime | None = None) -> None:
    """Hand a committed message to the job queue. Failing here loses nothing: the sweeper hands it over again."""
    try:
        queue = current_app.extensions["mcc_queue"]
        if eta is not None and eta > utcnow() + timedelta(seconds=1):
            queue.run_message.schedule(args=(message_id,), eta=eta)
        else:
            queue.run_message(message_id)
    except Exception:
        log.exception("outbox message %s not handed to the queue; the sweeper will", message_id)


def _claim(message_id: int, work: Handler) -> bool:
    """Take the message for this worker (one statement, so two workers never both take it)."""
    now = utcnow()
    taken = db.session.execute(update(OutboxMessage).where(
        OutboxMessage.id == message_id, OutboxMessage.done_at.is_(None), OutboxMessage.failed_at.is_(None),
        OutboxMessage.available_at <= now + timedelta(seconds=1),
        or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until < now))
        .values(locked_until=now + _lease(work), attempts=OutboxMessage.attempts + 1)).rowcount
    db.session.commit()
    return bool(taken)


def process(message_id: int) -> str:
    """Do one message's work (in a worker, with an app context). Returns what happened, for logs and tests."""
    declare_writing()
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        return "unknown"
    g.request_id = message.request_id or f"job-{message_id}"  # the job's log lines carry its request's id
    work = HANDLERS.get(message.kind)
    if work is None:
        log.error("outbox message %s: no handler for %r", message_id, message.kind)
        return "no handler"
    if not _claim(message_id, work):
        return "not available"
    g.outbox_message_id = message_id  # for ``hold``
    db.session.expire_all()
    message = db.session.get(OutboxMessage, message_id)
    try:
        work.run(dict(message.payload))
        message.done_at, message.locked_until, message.last_error = utcnow(), None, None
        db.session.commit()
        log.info("done %s #%s", message.kind, message_id)
        return "done"
    except Exception as error:
        db.session.rollback()
        _record_failure(message_id, error, work)
        return "failed"


def hold(seconds: int) -> None:
    """Long work calls this as it goes (in a transaction it commits soon): the message it is doing stays this
    worker's for ``seconds`` more. Its lease can then be short, so a worker that died frees the work soon."""
    message_id = g.get("outbox_message_id")
    if message_id is not None:
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                           .values(locked_until=utcnow() + timedelta(seconds=seconds)))


def _record_failure(message_id: int, error: Exception, work: Handler) -> None:
    message = db.session.get(OutboxMessage, message_id)
    message.last_error = "".join(traceback.format_exception_only(error)).strip()[:4000]
    message.locked_until = None
    if message.attempts >= work.attempts:
        message.failed_at = utcnow()
        log.error("outbox message %s (%s) failed for good after %s attempts: %s", message.id, message.kind,
                  message.attempts, message.last_error)
    else:
        first = timedelta(seconds=current_app.config["JOB_RETRY_SECONDS"])
        delay = min(first * 2 ** (message.attempts - 1), MAX_DELAY)
        message.available_at = utcnow() + delay
        log.warning("outbox message %s (%s) failed (attempt %s), next try in %s: %s", message.id, message.kind,
                    message.attempts, delay, message.last_error)
    db.session.commit()
    if message.failed_at is None:
        dispatch(message.id, message.available_at)


def pending_messages(limit: int = 500) -> list[int]:
    """Messages due and not held by any worker: what the sweeper hands over again."""
    now = utcnow()
    return list(db.session.scalars(select(OutboxMessage.id).where(
        OutboxMessage.done_at.is_(None), OutboxMessage.failed_at.is_(None), OutboxMessage.available_at <= now,
        or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until < now))
        .order_by(OutboxMessage.id).limit(limit)))


def sweep() -> int:
    """Hand over again every due message nobody holds (lost hand-overs, dead workers). Runs every minute."""
    ids = pending_messages()
    db.session.rollback()
    for message_id in ids:
        dispatch(message_id)
    return len(ids)


def retry(message: OutboxMessage) -> None:
    """An admin's retry of a failed message: a fresh set of attempts, handed over after the commit."""
    message.failed_at, message.attempts, message.available_at, message.locked_until = None, 0, utcnow(), None
    message_id = message.id
    after_commit(lambda: dispatch(message_id))


def run_here(limit: int = 1000) -> int:
    """Do every due message in this process, one after another (``flask jobs run-pending``; maintenance)."""
    done = 0
    for message_id in pending_messages(limit):
        if process(message_id) == "done":
            done += 1
    return done
