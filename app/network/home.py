"""The coordinators' home panel of the directory: members' proposed entries waiting for a decision (two queries
whatever their number)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.network.models import EntryRevision, RevisionStatus

#: How many proposals the panel lists (the queue is one tap away).
SHOWN = 5


def entries_waiting(user: Any) -> dict:
    """Pending proposals, oldest first."""
    rows = db.session.execute(select(EntryRevision, func.count().over().label("total"))
                              .where(EntryRevision.status == RevisionStatus.PENDING)
                              .options(selectinload(EntryRevision.company))
                              .order_by(EntryRevision.created_at, EntryRevision.id).limit(SHOWN)).all()
    return {"revisions": [revision for revision, _total in rows], "total": rows[0].total if rows else 0}
