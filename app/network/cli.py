"""``flask network reindex``: rewrite every member's search document."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.extensions import db
from app.network.search import reindex_all


@click.group("network")
def network_cli() -> None:
    """The cluster network's directory."""


@network_cli.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Rewrite every member's search document (after an upgrade changed how words are stemmed, or a restore)."""
    try:
        count = reindex_all()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    click.echo(f"Search documents rewritten: {count}.")
