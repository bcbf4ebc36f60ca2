"""The catalogue's block on the public front page (``core.front``): the training specialisations."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.catalogue.models import Specialisation
from app.extensions import db


def specialisations(_user: Any, _obj: Any) -> dict | None:
    found = list(db.session.scalars(select(Specialisation).order_by(Specialisation.position)))
    return {"specialisations": found} if found else None
