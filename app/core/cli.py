"""Command-line tools every installation has: ``flask seed-demo``, ``flask translations``, ``flask storage``."""

from __future__ import annotations

import click
from flask import Flask

from app.extensions import db


def init_cli(app: Flask) -> None:
    from app.core import i18n_catalogues

    @app.cli.command("seed-demo")
    def seed_demo() -> None:
        """Add demo data for every domain (idempotent: a second run changes nothing)."""
        from app.core.demo import seeders

        for seeder in seeders():
            seeder()
        db.session.commit()
        click.echo("Demo data ready. Accounts and passwords are listed in README.md.")

    app.cli.add_command(i18n_catalogues.translations_cli)
    from app.storage.cli import storage_cli

    app.cli.add_command(storage_cli)
