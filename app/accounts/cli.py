"""``flask create-admin``: the first administrator of a new installation."""

from __future__ import annotations

import click
from flask import Flask

from app.core.errors import DomainError
from app.extensions import db


def init_cli(app: Flask) -> None:
    @app.cli.command("create-admin")
    @click.option("--email", prompt=True, help="E-mail the admin logs in with.")
    @click.option("--name", "full_name", prompt="Full name", help="Name shown in the app.")
    @click.password_option(help="Password (asked twice when not given).")
    def create_admin(email: str, full_name: str, password: str) -> None:
        """Create an administrator (or promote an existing account)."""
        from app.accounts.services import create_admin as create

        try:
            user = create(email, full_name, password)
        except DomainError as error:
            db.session.rollback()
            raise click.ClickException(str(error.message)) from None
        db.session.commit()
        click.echo(f"Administrator {user.email} is ready.")
