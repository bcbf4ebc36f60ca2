"""Declarative base, constraint naming convention, and the UTC datetime column type."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import DateTime, Engine, Enum, MetaData
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry
from sqlalchemy.types import TypeDecorator

# Deterministic constraint names, so migrations can address them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


#: Database objects the migrations make that no model describes: full-text search indexes (PostgreSQL's GIN index,
#: SQLite's FTS5 table and its shadow tables). Alembic's comparison and autogenerate leave them out.
UNMODELLED_PREFIX = "fts_"


def modelled(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's ``include_object``: False for the search objects above."""
    return not (name or "").startswith(UNMODELLED_PREFIX)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC that refuses naive datetimes and always comes back timezone-aware.

    SQLite keeps no zone, PostgreSQL's ``timestamptz`` keeps the instant; both read back as aware UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r} refused: pass a timezone-aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def enum_column(enum_class: type[enum.Enum], length: int = 20) -> Enum:
    """Store an enum as its value in a plain string column (portable, and new values need no ALTER TYPE)."""
    return Enum(enum_class, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime},
    )


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def declare_writing() -> None:
    """The work in this app context will write: SQLite transactions begin IMMEDIATE (take the write lock first)."""
    from flask import g

    g.mcc_writing = True


@contextmanager
def reading_only() -> Iterator[None]:
    """Long reads in a worker (building a file, checking an upload) without holding SQLite's write lock: what the
    job wrote so far is committed, the block's queries run in read transactions, and writing resumes afterwards
    in a fresh transaction."""
    from flask import current_app, g

    session = current_app.extensions["sqlalchemy"].session  # (app.extensions imports this module)
    session.commit()
    g.mcc_writing = False
    try:
        yield
        session.commit()
    finally:
        declare_writing()


def will_write() -> bool:
    from flask import g, has_app_context

    return has_app_context() and bool(g.get("mcc_writing"))


#: Requests that may not write: what the unit of work never commits (``core.uow``).
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def reads_only() -> bool:
    """This is a reading request: a GET that no view marks ``@writes`` (``core.uow`` declares writing ones before
    anything else runs). Its queries need no transaction, and it must not write."""
    from flask import g, has_request_context, request

    return has_request_context() and request.method in SAFE_METHODS and not g.get("mcc_writing")


class RequestSession(FlaskSession):
    """Flask-SQLAlchemy's session; on PostgreSQL a reading request's queries run without a transaction.

    Under READ COMMITTED every statement sees its own snapshot anyway, so for a request that only reads, the
    transaction bought nothing but two round trips: BEGIN before the first query and ROLLBACK after the last
    (on the reference page, half of its database time). Such a request gets the engine with
    ``isolation_level="AUTOCOMMIT"`` (the same pool; SQLAlchemy resets the level when the connection goes back).
    Should it write after all (a flush, an UPDATE), the transaction begins just before
    (``app._begin_before_writing``), and is rolled back at the end as every reading request's: nothing a reading
    request does is ever saved. Writing requests, workers, commands and the tests' connection-bound sessions keep
    their transaction from the start.
    """

    def get_bind(self, mapper: Any = None, clause: Any = None, bind: Any = None, **kwargs: Any) -> Any:
        found = super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)
        if isinstance(found, Engine) and found.dialect.driver == "psycopg" and reads_only():
            return _autocommit(found)
        return found


def _autocommit(engine: Engine) -> Engine:
    # One per engine: the session keeps a connection per bind object, so it must be the same object each time.
    reading = engine.__dict__.get("_mcc_reading")
    if reading is None:
        reading = engine.__dict__["_mcc_reading"] = engine.execution_options(isolation_level="AUTOCOMMIT",
                                                                             **{READING: True})
    return reading


#: The execution option that marks a reading request's connection (``RequestSession``).
READING = "mcc_reading"
