"""``flask reporting rebuild-summaries``: recompute the reports' per-enrolment summaries."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import text

from app.extensions import db
from app.reporting.summaries import rebuild


@click.group("reporting")
def reporting_cli() -> None:
    """Reports: the figures kept for them."""


@reporting_cli.command("rebuild-summaries")
@with_appcontext
def rebuild_summaries_command() -> None:
    """Recompute every enrolment's summary (after the upgrade that adds them, a restore, or a bulk load)."""
    try:
        count = rebuild()
        if db.session.get_bind().dialect.name == "postgresql":
            # Every row was replaced: the planner's statistics still described the old ones (the dashboard's
            # grouped read, planned for four times the rows, took a quarter longer) until autovacuum came.
            db.session.execute(text("ANALYZE enrolment_summaries"))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    click.echo(f"Enrolment summaries rebuilt: {count}.")
