from collections.abc import Iterable

from sqlalchemy import select

from app.extensions import db
from app.training.models import SignedSheet


def signed_sheet_references() -> Iterable[tuple[str, str]]:
    for sheet_id, key in db.session.execute(select(SignedSheet.id, SignedSheet.storage_key)):
        yield key, f"signed attendance sheet #{sheet_id}"
