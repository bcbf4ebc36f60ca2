"""Searching the audit trail (coordinators and administrators; nobody edits it)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import render_template, request
from flask_babel import get_timezone
from flask_login import current_user
from sqlalchemy import select

from app.accounts.models import User
from app.audit import bp, labels
from app.audit.forms import AuditSearchForm
from app.audit.policies import can_search_audit
from app.audit.services import AuditFilter, search_query
from app.core.permissions import deny
from app.extensions import db


def _local_midnight(day) -> datetime:
    # Dates in the form are the viewer's calendar days, not UTC ones.
    return datetime(day.year, day.month, day.day, tzinfo=get_timezone())


@bp.get("/")
def search():
    if not can_search_audit(current_user):
        deny()
    form = AuditSearchForm(request.args)
    criteria = AuditFilter()
    if request.args and form.validate():
        criteria = AuditFilter(
            action=(form.action.data or "").strip() or None,
            actor_id=form.actor_id.data,
            object_type=(form.object_type.data or "").strip() or None,
            object_id=(form.object_id.data or "").strip() or None,
            since=_local_midnight(form.since.data) if form.since.data else None,
            until=_local_midnight(form.until.data) + timedelta(days=1) if form.until.data else None,
        )
    page = db.paginate(search_query(criteria), per_page=50, error_out=False)
    args = {k: v for k, v in request.args.items() if k != "page"}
    ids = {entry.actor_id for entry in page.items if entry.actor_id}
    actors = {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    return render_template("audit/search.html", form=form, page=page, args=args, actors=actors, labels=labels)
