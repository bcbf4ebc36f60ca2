"""Command-line tools: ``flask create-admin``, ``flask seed-demo`` and ``flask translations``."""

from __future__ import annotations

import click
from flask import Flask

from app.extensions import db


def init_cli(app: Flask) -> None:
    from app.core import i18n_catalogues

    @app.cli.command("create-admin")
    @click.option("--email", prompt=True, help="E-mail the admin logs in with.")
    @click.option("--name", "full_name", prompt="Full name", help="Name shown in the app.")
    @click.password_option(help="Password (asked twice when not given).")
    def create_admin(email: str, full_name: str, password: str) -> None:
        """Create an administrator (or promote an existing account)."""
        from app.accounts.services import create_admin as create
        from app.core.errors import DomainError

        try:
            user = create(email, full_name, password)
        except DomainError as error:
            db.session.rollback()
            raise click.ClickException(str(error.message)) from None
        db.session.commit()
        click.echo(f"Administrator {user.email} is ready.")

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
