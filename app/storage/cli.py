"""``flask storage ...``: consistency checks between the database and the object store."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.storage import get_storage
from app.storage.references import all_references


@click.group("storage")
def storage_cli() -> None:
    """Object storage maintenance."""


@storage_cli.command("check")
@with_appcontext
def check_command() -> None:
    """List rows whose object is missing and objects no row points to (exit 1 if any)."""
    storage = get_storage()
    references = all_references()
    present = {obj.key for obj in storage.iter_objects()}
    missing = sorted(key for key in references if key not in present)
    orphans = sorted(present - set(references))
    for key in missing:
        click.echo(f"MISSING OBJECT {key}  <- {references[key]}")
    for key in orphans:
        click.echo(f"ORPHAN OBJECT  {key}")
    click.echo(f"{len(references)} rows point to objects; {len(present)} objects stored; "
               f"{len(missing)} missing, {len(orphans)} orphaned.")
    if missing or orphans:
        raise SystemExit(1)
