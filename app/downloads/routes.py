"""The progress page of a generated file, its status for the page's script, and the download itself."""

from __future__ import annotations

from flask import abort, jsonify, render_template, url_for
from flask_login import login_required

from app.core.db import utcnow
from app.core.files import send_stored_file
from app.core.permissions import load_or_403
from app.downloads import bp
from app.downloads.models import GeneratedFile, GeneratedStatus
from app.downloads.policies import can_download


def _offered(row: GeneratedFile) -> bool:
    return row.status == GeneratedStatus.READY and row.storage_key is not None and (
        row.expires_at is None or row.expires_at > utcnow())


@bp.get("/<int:file_id>")
@login_required
def show(file_id: int):
    row = load_or_403(GeneratedFile, file_id, can_download)
    return render_template("downloads/show.html", file=row, offered=_offered(row))


@bp.get("/<int:file_id>/status")
@login_required
def status(file_id: int):
    """For the progress page's script (it polls this until the file is ready or failed)."""
    row = load_or_403(GeneratedFile, file_id, can_download)
    offered = _offered(row)
    return jsonify(status=row.status.value if offered or row.status != GeneratedStatus.READY else "expired",
                   progress=row.progress, name=row.original_filename, size=row.size if offered else None,
                   url=url_for("downloads.download", file_id=row.id) if offered else None)


@bp.get("/<int:file_id>/file")
@login_required
def download(file_id: int):
    row = load_or_403(GeneratedFile, file_id, can_download)
    if not _offered(row):
        abort(404)
    return send_stored_file(row)
