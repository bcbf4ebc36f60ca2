"""Home-page panel of the catalogue (``core.home``): a trainer's uploads still being checked by a worker. One query
whatever the number of materials."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app.catalogue.models import Lesson, Material, MaterialStatus, course_trainers
from app.extensions import db

SHOWN = 5


def uploads_processing(user: Any) -> dict:
    """Materials still PROCESSING that the user uploaded, or in a course they teach."""
    taught = select(course_trainers.c.course_id).where(course_trainers.c.user_id == user.id)
    rows = db.session.execute(select(Material, func.count().over().label("total"))
                              .join(Lesson, Lesson.id == Material.lesson_id)
                              .where(Material.status == MaterialStatus.PROCESSING, Material.deleted_at.is_(None),
                                     or_(Material.uploaded_by_id == user.id, Lesson.course_id.in_(taught)))
                              .options(selectinload(Material.lesson))
                              .order_by(Material.created_at, Material.id).limit(SHOWN)).all()
    return {"materials": [material for material, _total in rows], "total": rows[0].total if rows else 0}
