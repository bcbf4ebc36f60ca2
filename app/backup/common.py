"""What every backup step shares: its error, values in portable form, the tables in order."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum

import click
from sqlalchemy import Date, DateTime, Numeric, text

from app.extensions import db

FORMAT = "mcc-backup"
VERSION = 2
CHUNK = 1 << 20


class BackupError(click.ClickException):
    """The backup step cannot go on; the message says why and what to do."""


class ArchiveDamaged(BackupError):
    """The archive differs from what was written: altered, cut short or not an MCC backup."""


def cause(error: BaseException) -> str:
    """The error's type and first line: SQLAlchemy's full message would print the rows (password hashes)."""
    return f"{type(error).__name__}: {(str(getattr(error, 'orig', None) or error).splitlines() or [''])[0]}"


# -- values in portable form -------------------------------------------------------------------------------------
def encode(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)  # exact (prices): a JSON number would go through a float
    return value


def decoder(column):
    kind = column.type
    impl = getattr(kind, "impl", kind)
    if isinstance(impl, DateTime):
        return lambda v: None if v is None else datetime.fromisoformat(v).astimezone(UTC)
    if isinstance(impl, Date):
        return lambda v: None if v is None else date.fromisoformat(v)
    if isinstance(impl, Numeric) and impl.asdecimal:
        return lambda v: None if v is None else Decimal(v)
    enum_class = getattr(kind, "enum_class", None)
    if enum_class is not None:
        return lambda v: None if v is None else enum_class(v)
    return lambda v: v


def tables():
    """Tables in foreign-key order (parents first)."""
    return list(db.metadata.sorted_tables)


def revision(connection) -> str | None:
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


