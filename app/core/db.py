"""Declarative base, constraint naming convention, and the UTC datetime column type."""

from __future__ import annotations

import enum
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import ColumnElement, DateTime, Engine, Enum, MetaData, literal_column
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


def fixed(value: enum.Enum) -> ColumnElement:
    """An enum constant written into the statement's text instead of bound at execution, for a condition on a
    value much rarer (or commoner) than the column's others. PostgreSQL keeps one plan for a statement run again
    and again only if that plan, made without the values, looks no worse than one made for them; a rare status
    bound as a parameter looks as common as any other, so such a statement was planned again on every execution
    (half a millisecond per course page)."""
    text = str(value.value)
    if not text.replace("_", "").isalnum():
        raise ValueError(f"not a plain constant: {text!r}")
    return literal_column(f"'{text}'")


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


T = TypeVar("T")


def side_by_side(*parts: Callable[[], T]) -> list[T]:
    """Independent reads run at the same time, each on its own pooled connection: the first part in this thread,
    the others in threads with their own app context (so their own session), and their results in order.

    For a computation made of a few long independent queries (the coordinators' dashboard when its cache is
    empty): the database runs them on as many cores as it has while this process waits. They run in turn where
    another connection would not see what this one sees: a session bound to one connection (the tests'
    rolled-back transaction) or work that writes (a job, a writing request). Each part sees its own moment, as
    every statement of a reading request does already (``RequestSession``); an error in any part is raised
    here, after all have ended."""
    from flask import current_app, g

    session = current_app.extensions["sqlalchemy"].session
    # A part's own parts run in turn too: a thread of the pool never waits for the pool it holds.
    if len(parts) < 2 or will_write() or "mcc_reading_part" in g or not isinstance(session.get_bind(), Engine) \
            or session().dirty or session().new or session().deleted:
        return [part() for part in parts]
    app = current_app._get_current_object()
    reading = reads_only()

    def apart(part: Callable[[], T]) -> T:
        with app.app_context():
            g.mcc_reading_part = reading  # reads as the request does (on PostgreSQL: without a transaction)
            try:
                return part()
            finally:
                session.remove()

    futures = [_readers().submit(apart, part) for part in parts[1:]]
    try:
        first = parts[0]()
    finally:
        others = [future.exception() for future in futures]  # waits for every part, whatever happened here
    for error in others:
        if error is not None:
            raise error
    return [first, *(future.result() for future in futures)]


_pool: tuple[int, ThreadPoolExecutor] | None = None


def _readers() -> ThreadPoolExecutor:
    # Per process: a pool made before gunicorn forked would have no threads in the worker.
    global _pool
    if _pool is None or _pool[0] != os.getpid():
        _pool = (os.getpid(), ThreadPoolExecutor(max_workers=4, thread_name_prefix="mcc-side-by-side"))
    return _pool[1]


#: Requests that may not write: what the unit of work never commits (``core.uow``).
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def reads_only() -> bool:
    """This is a reading request: a GET that no view marks ``@writes`` (``core.uow`` declares writing ones before
    anything else runs). Its queries need no transaction, and it must not write."""
    from flask import g, has_app_context, has_request_context, request

    if has_app_context() and g.get("mcc_reading_part"):
        return True  # a part of a reading request's reads run apart (``side_by_side``)
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
