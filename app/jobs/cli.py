"""``flask jobs``: run a worker, do pending work here, run scheduled upkeep by hand, list failures."""

from __future__ import annotations

import click
from flask import current_app
from sqlalchemy import select

from app.extensions import db


@click.group("jobs")
def jobs_cli() -> None:
    """Background work."""


@jobs_cli.command("worker")
@click.option("--workers", "-w", default=2, show_default=True, help="Threads doing jobs in this process.")
def worker(workers: int) -> None:
    """Consume the job queue (and run the scheduled upkeep) until stopped (Ctrl-C or SIGTERM)."""
    import logging

    logging.getLogger("huey").setLevel(logging.INFO)
    queue = current_app.extensions["mcc_queue"]
    # Idle workers look for work at least every second: a queued mail leaves within a second or two.
    consumer = queue.create_consumer(workers=workers, worker_type="thread", periodic=True, max_delay=1.0)
    click.echo(f"MCC worker: {workers} threads on {current_app.config['QUEUE_URL']}")
    consumer.run()


@jobs_cli.command("run-pending")
def run_pending() -> None:
    """Do every due outbox message in this process (when no worker runs, or to drain the queue)."""
    from app.jobs.outbox import run_here

    click.echo(f"{run_here()} messages done.")


@jobs_cli.command("run")
@click.argument("name")
def run_scheduled(name: str) -> None:
    """Run one scheduled upkeep now, e.g. ``flask jobs run storage.cleanup_uploads``."""
    from app.jobs.outbox import HANDLERS
    from app.jobs.schedule import SCHEDULE

    scheduled = SCHEDULE.get(name)
    if scheduled is None:
        raise click.ClickException(f"unknown upkeep {name!r}; known: {', '.join(sorted(SCHEDULE)) or 'none'}")
    HANDLERS[scheduled.kind].run(dict(scheduled.payload))
    db.session.commit()
    click.echo(f"{name} done.")


@jobs_cli.command("failed")
def failed() -> None:
    """List the messages that failed for good."""
    from app.jobs.models import OutboxMessage

    for message in db.session.scalars(select(OutboxMessage).where(OutboxMessage.failed_at.is_not(None))
                                      .order_by(OutboxMessage.failed_at.desc())):
        click.echo(f"#{message.id} {message.kind} failed {message.failed_at:%Y-%m-%d %H:%M} after "
                   f"{message.attempts} attempts: {message.last_error}")
