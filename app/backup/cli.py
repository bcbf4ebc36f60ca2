"""``flask backup create|verify|restore|generate-key``."""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.backup.archive import verify_archive
from app.backup.common import BackupError
from app.backup.create import create_backup
from app.backup.keys import BackupKeys, backup_keys
from app.backup.restore import restore_backup
from app.core.progress import BarProgress, quiet_option

backup_cli = AppGroup("backup", help="Back up, verify and restore the database and the stored files.")

PASSPHRASE_ENV = "MCC_BACKUP_PASSPHRASE"  # noqa: S105  (the variable's name, not a secret)


def _keys(ask: bool, *, confirm: bool) -> BackupKeys:
    passphrase = os.environ.get(PASSPHRASE_ENV)
    if ask and not passphrase:
        passphrase = click.prompt("Passphrase", hide_input=True, confirmation_prompt=confirm, err=True)
    return backup_keys(current_app.config, passphrase=passphrase)


def _missing(manifest: dict) -> str:
    missing = manifest.get("missing") or []
    return "".join(f"\n  missing when the archive was made: {m['key']} (in {', '.join(m['referenced_by'])})"
                   for m in missing)


passphrase_option = click.option(
    "--passphrase", "ask", is_flag=True,
    help=f"Use a passphrase (from {PASSPHRASE_ENV}, or asked for) instead of MCC_BACKUP_ENCRYPTION_KEY.")


@backup_cli.command("create")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--encrypt", is_flag=True, help="Encrypt the whole archive (AES-256-GCM) with "
                                              "MCC_BACKUP_ENCRYPTION_KEY.")
@passphrase_option
@click.option("--allow-missing", is_flag=True,
              help="Record stored objects that are missing in the manifest instead of refusing.")
@quiet_option
def create_command(path: Path, encrypt: bool, ask: bool, allow_missing: bool, quiet: bool) -> None:
    """Write a signed backup archive to PATH (optionally encrypted)."""
    keys = _keys(ask, confirm=True)
    manifest = create_backup(path, keys, encrypt=encrypt or ask, allow_missing=allow_missing,
                             progress=BarProgress(quiet))
    rows = sum(t["rows"] for t in manifest["tables"].values())
    click.echo(f"{path}: {rows} rows in {len(manifest['tables'])} tables, {len(manifest['objects'])} objects, "
               f"{'encrypted, ' if encrypt or ask else ''}signed with key {keys.key_id} ({keys.mac_source})"
               + _missing(manifest))


@backup_cli.command("verify")
@click.argument("path", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@passphrase_option
@quiet_option
def verify_command(path: Path, ask: bool, quiet: bool) -> None:
    """Check every byte of an archive against its signed manifest (restores nothing)."""
    result = verify_archive(path, _keys(ask, confirm=False), progress=BarProgress(quiet))
    if result.problems:
        raise BackupError("the archive is damaged:\n  " + "\n  ".join(result.problems))
    click.echo(f"{path}: sound{', encrypted' if result.encrypted else ''}" + _missing(result.manifest))


@backup_cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@passphrase_option
@quiet_option
def restore_command(path: Path, ask: bool, quiet: bool) -> None:
    """Restore an archive into this (empty, migrated) installation: all of it, or nothing."""
    manifest = restore_backup(path, _keys(ask, confirm=False), progress=BarProgress(quiet))
    click.echo(f"restored {sum(t['rows'] for t in manifest['tables'].values())} rows and "
               f"{len(manifest['objects'])} objects (all checksums match)" + _missing(manifest))


@backup_cli.command("generate-key")
def generate_key_command() -> None:
    """Print a new random key for MCC_BACKUP_ENCRYPTION_KEY or MCC_BACKUP_KEY."""
    click.echo(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("="))
