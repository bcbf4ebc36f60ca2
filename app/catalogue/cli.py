"""``flask courses import`` and the material parts of ``flask storage``."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click
from flask.cli import with_appcontext

from app.catalogue import importer, processing, uploads
from app.catalogue.maintenance import purge_deleted_materials
from app.core.progress import SILENT, BarProgress, Progress, quiet_option
from app.extensions import db
from app.storage.cli import storage_cli


@click.group("courses")
def courses_cli() -> None:
    """Course content kept as files."""


def run_import(root: Path, progress: Progress = SILENT) -> importer.ImportReport:
    """Import and commit (objects stored by a failed import go with its rollback, replaced ones after the commit)."""
    try:
        report = importer.import_courses(root, progress)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report


@courses_cli.command("import")
@click.argument("root", type=click.Path(exists=True, file_okay=False, path_type=Path), default="courses")
@quiet_option
@with_appcontext
def import_command(root: Path, quiet: bool) -> None:
    """Create or update courses from ROOT (default: courses/). Running it twice changes nothing."""
    try:
        report = run_import(root, BarProgress(quiet))
    except importer.CourseFileError as error:
        raise click.ClickException(str(error)) from None
    for line in report.created:
        click.echo(f"created {line}")
    for line in report.updated:
        click.echo(f"updated {line}")
    for line in report.warnings:
        click.echo(f"warning: {line}")
    click.echo(f"{len(report.created)} created, {len(report.updated)} updated"
               + ("" if report.changed else " — nothing changed"))


@storage_cli.command("purge")
@click.option("--older-than-days", type=click.IntRange(min=0), default=30, show_default=True)
@with_appcontext
def purge_command(older_than_days: int) -> None:
    """Remove the objects of materials deleted more than N days ago (the rows stay, marked purged)."""
    count = purge_deleted_materials(timedelta(days=older_than_days))
    click.echo(f"{count} objects purged")


@storage_cli.command("cleanup-uploads")
@click.option("--older-than-hours", type=click.IntRange(min=0), default=None,
              help="Default: MCC_UPLOAD_ABANDONED_AFTER_HOURS (72).")
@with_appcontext
def cleanup_uploads_command(older_than_hours: int | None) -> None:
    """Abort uploads that were started but never completed (nor resumed) for a while."""
    count = uploads.cleanup_abandoned_uploads(timedelta(hours=older_than_hours) if older_than_hours is not None
                                              else uploads.abandoned_after())
    db.session.commit()
    click.echo(f"{count} abandoned uploads aborted")


@courses_cli.command("process-videos")
@with_appcontext
def process_videos_command() -> None:
    """Ask the workers to convert for phones every video served as stored (uploaded before conversions existed, or
    imported): READY videos whose conversion never ran."""
    count = processing.enqueue_unconverted()
    db.session.commit()
    click.echo(f"{count} videos queued for conversion")
