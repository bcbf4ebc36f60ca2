"""Declarative base, constraint naming convention, and the UTC datetime column type."""

from __future__ import annotations

import enum
import os
import threading
import time
from collections import namedtuple
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, TypeVar

from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import ColumnElement, Connection, DateTime, Engine, Enum, Label, MetaData, Select, exc, literal_column
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


def labelled(prefix: str, columns: Iterable[Any]) -> list[Label]:
    """Some of a model's columns for a Core statement, labelled ``<prefix>_<attribute>`` for ``view_of``."""
    return [column.label(f"{prefix}_{column.key}") for column in columns]


def view_of(row: Any, prefix: str, columns: Iterable[Any]) -> SimpleNamespace:
    """The columns ``labelled`` added, read back from a Core row under the model's attribute names (what the
    policies read): a view of part of a row for a hot read path, not an ORM object. An attribute that was not
    read raises instead of loading (or, on a detached object, quietly answering None)."""
    return SimpleNamespace(**{column.key: getattr(row, f"{prefix}_{column.key}") for column in columns})


class DriverQuery:
    """A Core select run on a connection by the database driver itself, for a read so hot that SQLAlchemy's
    execution (its context, cursor result and row objects) is worth skipping: a download's authorisation, where
    it was a third of the statement's cost and a tenth of the request's.

    SQLAlchemy still does what matters: it compiles the statement (once per dialect); constants in it are bound
    through their types' bind processors at compile time and each column read through its type's result
    processor (enums, UTC timestamps, JSON come back as from ``Connection.execute``); the connection's statement
    events fire (what counts and logs queries sees it); errors come out as SQLAlchemy's, and a lost connection is
    invalidated. Values named at execution (``bindparam``) must be ones the driver takes as they are (ids,
    strings). A row is a named tuple of the selected columns' keys."""

    def __init__(self, statement: Select) -> None:
        self.statement = statement
        self._by_dialect: dict[str, tuple] = {}

    def _compiled(self, dialect: Dialect) -> tuple:
        found = self._by_dialect.get(dialect.name)
        if found is None:
            compiled = self.statement.compile(dialect=dialect)
            constants = {}  # (a required bind is named at execution)
            for bind, name in compiled.bind_names.items():
                if not bind.required:
                    process = bind.type.dialect_impl(dialect).bind_processor(dialect)
                    constants[name] = process(bind.effective_value) if process else bind.effective_value
            order = list(compiled.positiontup) if compiled.positional else None
            processors = [column.type.dialect_impl(dialect).result_processor(dialect, None)
                          for column in self.statement.selected_columns]
            row = namedtuple("Row", [column.key for column in self.statement.selected_columns])
            found = self._by_dialect[dialect.name] = (compiled.string, order, constants, processors, row)
        return found

    def first(self, params: dict[str, Any]) -> Any:
        """The first row, or None. A reading request whose session has not touched the database yet (a download,
        which runs only this) reads on the process's reading connection (``reading_connection``): the session's
        transaction and connection bookkeeping cost as much as the statement, and taking a pooled connection
        and handing it back again a tenth of the request. Otherwise on the session's connection (a writing
        request, a job, the tests' connection-bound session, a request already reading)."""
        from flask import current_app

        sqlalchemy = current_app.extensions["sqlalchemy"]
        session = sqlalchemy.session
        # The app's one engine (what the session's ``get_bind`` starts from, without its option engine, which sets
        # and resets the isolation level); a connection there is the tests' rolled-back transaction.
        engine = sqlalchemy.engine
        if not isinstance(engine, Engine) or not reads_only() or session().in_transaction():
            return self.first_on(session.connection(), params)
        if threading.current_thread() is not threading.main_thread():
            # A request on a thread of its own (the development server starts one per request): a pooled connection
            # for this read only.
            with _reading(engine.connect()) as connection:
                return self.first_on(connection, params)
        connection = reading_connection(engine)
        try:
            return self.first_on(connection, params)
        except exc.DBAPIError:
            release_reading_connection()  # (a lost one was invalidated by ``first_on``): the next read takes another
            raise

    def first_on(self, connection: Connection, params: dict[str, Any]) -> Any:
        """``first`` on ``connection``."""
        sql, order, constants, processors, row = self._compiled(connection.dialect)
        values = {**params, **constants}
        parameters = tuple(values[name] for name in order) if order is not None else values
        dbapi_connection = connection.connection.dbapi_connection
        cursor = dbapi_connection.cursor()
        try:
            connection.dispatch.before_cursor_execute(connection, cursor, sql, parameters, None, False)
            cursor.execute(sql, parameters)
            found = cursor.fetchone()
            connection.dispatch.after_cursor_execute(connection, cursor, sql, parameters, None, False)
        except connection.dialect.loaded_dbapi.Error as error:
            if connection.dialect.is_disconnect(error, dbapi_connection, cursor):
                connection.invalidate(error)
            raise exc.DBAPIError.instance(sql, parameters, error, connection.dialect.loaded_dbapi.Error) from error
        finally:
            cursor.close()
        if found is None:
            return None
        return row(*(value if process is None else process(value)
                     for process, value in zip(processors, found, strict=True)))


#: A pooled connection unused for longer than this is pinged before it is used again (``app._ping_when_idle``
#: for the pool; ``reading_connection`` for the one a thread keeps).
PING_AFTER_IDLE_SECONDS = 1.0

_kept: tuple | None = None  # (connection, process id, last used): only the main thread keeps one
_inherited: list = []  # kept by a process that forked since: never touched again (its socket is the parent's)


def reading_connection(engine: Engine) -> Connection:
    """The connection a process's main thread keeps for ``DriverQuery`` reads in reading requests (a gunicorn sync
    worker answers every request on it): checked out of ``engine``'s pool once and kept between requests, in
    autocommit on PostgreSQL (each statement its own transaction, as a reading request's session reads:
    ``RequestSession``), so no transaction is ever left open on it. Keeping it, as Django keeps a thread's
    connection (``CONN_MAX_AGE``), spares every download the checkout, the switch to autocommit and back, and the
    check-in: about 80 µs of a worker's CPU per download under load, 7 % of its throughput (docs/performance.md).
    A sync worker holds at most two connections (this and its session's), within the pool's size.

    One unused for longer than ``PING_AFTER_IDLE_SECONDS`` is pinged first and replaced if dead, as the pool does
    for the connections it hands out; one of another engine (another app), one that was invalidated or one
    made before a fork is let go."""
    global _kept
    kept = _kept
    now = time.monotonic()
    if kept is not None:
        connection, pid, last_used = kept
        if pid != os.getpid():
            _inherited.append(kept)
            kept = None
        elif connection.engine is not engine or connection.invalidated or connection.closed:
            release_reading_connection()
            kept = None
        elif now - last_used > PING_AFTER_IDLE_SECONDS:
            try:
                engine.dialect.do_ping(connection.connection.dbapi_connection)
            except engine.dialect.loaded_dbapi.Error as error:
                connection.invalidate(error)
                release_reading_connection()
                kept = None
    if kept is None:
        connection = _reading(engine.connect())
    _kept = (connection, os.getpid(), now)
    return connection


def release_reading_connection() -> None:
    """Give the kept reading connection back to its pool (SQLAlchemy sets its isolation level back there)."""
    global _kept
    kept, _kept = _kept, None
    if kept is not None and kept[1] == os.getpid():
        kept[0].close()


def _reading(connection: Connection) -> Connection:
    """``connection`` in autocommit on PostgreSQL, through SQLAlchemy's isolation level: it is set back to the
    engine's default when the connection returns to the pool, however it returns."""
    if connection.dialect.driver == "psycopg":
        connection.execution_options(isolation_level="AUTOCOMMIT")
    return connection


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
