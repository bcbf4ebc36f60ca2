"""The directory's block on the public front page (``core.front``): how many members in each country."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from app.extensions import db
from app.network.models import Company


def member_counts(_user: Any, _obj: Any) -> dict | None:
    """Counted as the public directory lists them: active, published members."""
    rows = db.session.execute(select(Company.country, func.count()).where(
        Company.is_active.is_(True), Company.is_published.is_(True)).group_by(Company.country)
        .order_by(Company.country)).all()
    return {"counts": [(country, count) for country, count in rows], "total": sum(c for _c, c in rows)}
