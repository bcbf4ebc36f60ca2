from collections.abc import Iterable

from sqlalchemy import select

from app.extensions import db
from app.placements.models import PlacementDocument


def document_references() -> Iterable[tuple[str, str]]:
    for document_id, key in db.session.execute(select(PlacementDocument.id, PlacementDocument.storage_key)):
        yield key, f"placement document #{document_id}"
