"""Home-page panels of placements (``core.home``): logbook days waiting for a mentor, and the internship
applications waiting for the coordinators' matching. Fixed number of queries whatever the number of placements,
days or applications."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.placements.lifecycle import placements_for_mentor
from app.placements.models import Application, ApplicationStatus, EntryStatus, LogbookEntry, Placement

#: How many items a panel lists (the full lists are one tap away).
SHOWN = 5


def logbook_waiting(user: Any) -> dict:
    """Per placement the user mentors (``placements_for_mentor``): the submitted days not yet confirmed or
    returned, and the earliest of them."""
    mine = placements_for_mentor(user).with_only_columns(Placement.id).order_by(None)
    waiting = (select(LogbookEntry.placement_id, func.count().label("days"), func.min(LogbookEntry.day).label("first"))
               .where(LogbookEntry.status == EntryStatus.SUBMITTED, LogbookEntry.placement_id.in_(mine))
               .group_by(LogbookEntry.placement_id).subquery())
    rows = db.session.execute(select(Placement, waiting.c.days, waiting.c.first)
                              .join(waiting, waiting.c.placement_id == Placement.id)
                              .options(selectinload(Placement.trainee), selectinload(Placement.company))
                              .order_by(waiting.c.first, Placement.id)).all()
    return {"placements": [(placement, days, first) for placement, days, first in rows],
            "days": sum(days for _placement, days, _first in rows)}


def applications_waiting(user: Any) -> dict:
    """Open applications (not matched to a placement yet), oldest first."""
    rows = db.session.execute(select(Application, func.count().over().label("total"))
                              .where(Application.status == ApplicationStatus.OPEN)
                              .options(selectinload(Application.user))
                              .order_by(Application.created_at, Application.id).limit(SHOWN)).all()
    return {"applications": [application for application, _total in rows], "total": rows[0].total if rows else 0}
