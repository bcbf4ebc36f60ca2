"""Databases for tests: a fresh SQLite file or a fresh PostgreSQL database, migrated with Alembic."""

from __future__ import annotations

import atexit
import os
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])


@contextmanager
def fresh_database(backend: str, tmp_dir: Path) -> Iterator[str]:
    """Yield the URL of a new, empty database of ``backend``; drop it afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_dir / f'mcc-{uuid.uuid4().hex[:8]}.sqlite3'}"
        return
    assert TEST_DATABASE_URL, "TEST_DATABASE_URL is not set"
    server = make_url(TEST_DATABASE_URL)
    name = f"{server.database or 'mcc'}_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


#: A database migrated to head, per backend, made once per test process and copied into every other new database
#: (SQLite: a file; PostgreSQL: a database, dropped when the process ends). Migrating took 1-7 s a database on these
#: machines, a copy a tenth of that; tests/core/test_migrations.py and the first database of each process still run
#: the migrations themselves.
_MIGRATED: dict[str, str] = {}


def upgrade_to_head(app) -> None:
    """Bring ``app``'s database to the head revision: a copy of the process's migrated template when the database
    is empty, else the migrations."""
    from flask_migrate import upgrade

    from app.extensions import db

    with app.app_context():
        url = db.engine.url
        backend = url.get_backend_name()
        copyable = backend in ("sqlite", "postgresql") and url.database not in (None, "", ":memory:") \
            and not sa.inspect(db.engine).get_table_names()
        if copyable and backend in _MIGRATED:
            db.session.remove()
            db.engine.dispose()
            _copy_template(backend, _MIGRATED[backend], url)
            return
        upgrade()
        if copyable:
            db.session.remove()
            db.engine.dispose()
            # When someone else is connected to it (PostgreSQL cannot copy it then), the next database migrates.
            with suppress(sa.exc.OperationalError, sqlite3.OperationalError):
                _MIGRATED[backend] = _make_template(backend, url)


def drop_templates() -> None:
    """Remove the migrated templates (at the end of the test session; at exit too, should the session not end)."""
    while _MIGRATED:
        backend, template = _MIGRATED.popitem()
        if backend == "sqlite":
            shutil.rmtree(Path(template).parent, ignore_errors=True)
        else:
            with suppress(sa.exc.OperationalError):
                _drop_database(template)


atexit.register(drop_templates)


def _make_template(backend: str, url) -> str:
    if backend == "sqlite":
        template = str(Path(tempfile.mkdtemp(prefix="mcc-migrated-")) / "migrated.sqlite3")
        _sqlite_copy(url.database, template)
        return template
    name = f"{make_url(TEST_DATABASE_URL).database or 'mcc'}_migrated_{uuid.uuid4().hex[:10]}"
    with _admin() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{url.database}"')
    return name


def _copy_template(backend: str, template: str, url) -> None:
    if backend == "sqlite":
        _sqlite_copy(template, url.database)
        return
    with _admin() as connection:  # the database is empty and nobody is connected: made again from the template
        connection.exec_driver_sql(f'DROP DATABASE "{url.database}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{url.database}" TEMPLATE "{template}"')


def _sqlite_copy(source, target) -> None:
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


@contextmanager
def _admin() -> Iterator:
    admin = sa.create_engine(make_url(TEST_DATABASE_URL), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            yield connection
    finally:
        admin.dispose()


def _drop_database(name: str) -> None:
    with _admin() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def truncate_all(app) -> None:
    """Empty every table (for tests whose data is really committed, e.g. the browser tests' live server)."""
    from app.extensions import db

    with app.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql(
                    "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
            else:
                for table in tables:
                    connection.exec_driver_sql(f'DELETE FROM "{table}"')
