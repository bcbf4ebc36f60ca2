"""The admins' page of jobs that failed for good, with their errors, and a retry."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.core.forms import ConfirmForm
from app.core.permissions import Role, load_or_404, role_required
from app.extensions import db
from app.jobs import bp, outbox
from app.jobs.models import OutboxMessage


@bp.get("/failed")
@role_required(Role.ADMIN)
def failed():
    query = select(OutboxMessage).where(OutboxMessage.failed_at.is_not(None)).order_by(OutboxMessage.failed_at.desc())
    page = db.paginate(query, per_page=50, error_out=False)
    return render_template("jobs/failed.html", page=page)


@bp.post("/<int:message_id>/retry")
@role_required(Role.ADMIN)
def retry(message_id: int):
    message = load_or_404(OutboxMessage, message_id)
    if ConfirmForm().validate_on_submit() and message.failed_at is not None:
        outbox.retry(message)
        flash(_("The job will be tried again."), "success")
    return redirect(url_for("jobs.failed"), 303)
