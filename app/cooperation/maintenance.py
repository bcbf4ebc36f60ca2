from collections.abc import Iterable

from sqlalchemy import select

from app.cooperation.models import RequestFile
from app.extensions import db


def file_references() -> Iterable[tuple[str, str]]:
    for file_id, key in db.session.execute(select(RequestFile.id, RequestFile.storage_key)):
        yield key, f"cooperation file #{file_id}"
