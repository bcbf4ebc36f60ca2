"""Do queued background work in the test's own process, as a worker would (real worker processes: tests/jobs)."""

from __future__ import annotations

from app.extensions import db
from app.jobs.models import OutboxMessage
from app.jobs.outbox import pending_messages, process


def work_off(*kinds: str) -> list[str]:
    """Process the due outbox messages (only those of ``kinds`` when given, e.g. "catalogue.verify_upload"); the work
    they ask for in turn is done too. Returns the outcomes ("done", "failed", ...)."""
    outcomes = []
    while True:
        due = [message_id for message_id in pending_messages()
               if not kinds or db.session.get(OutboxMessage, message_id).kind in kinds]
        if not due:
            return outcomes
        for message_id in due:
            outcomes.append(process(message_id))
        if all(outcome != "done" for outcome in outcomes[-len(due):]):
            return outcomes
