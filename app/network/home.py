"""Home panels of the directory: for coordinators, members' proposed entries waiting for a decision; for a member's
contact person, their entry and its proposal's status (a fixed number of queries whatever the numbers)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.network.models import Company, EntryRevision, RevisionStatus
from app.network.policies import contact_company_ids

#: How many proposals the panel lists (the queue is one tap away).
SHOWN = 5


def entries_waiting(user: Any) -> dict:
    """Pending proposals, oldest first."""
    rows = db.session.execute(select(EntryRevision, func.count().over().label("total"))
                              .where(EntryRevision.status == RevisionStatus.PENDING)
                              .options(selectinload(EntryRevision.company))
                              .order_by(EntryRevision.created_at, EntryRevision.id).limit(SHOWN)).all()
    return {"revisions": [revision for revision, _total in rows], "total": rows[0].total if rows else 0}


def is_contact(user: Any) -> bool:
    return bool(contact_company_ids(user))


def my_entries(user: Any) -> dict:
    """The members whose entries the user keeps, each with its pending proposal (or None)."""
    ids = contact_company_ids(user)
    companies = list(db.session.scalars(select(Company).where(Company.id.in_(ids)).order_by(Company.name)))
    pending = {revision.company_id: revision for revision in db.session.scalars(
        select(EntryRevision).where(EntryRevision.company_id.in_(ids), EntryRevision.status == RevisionStatus.PENDING))}
    return {"entries": [(company, pending.get(company.id)) for company in companies]}
