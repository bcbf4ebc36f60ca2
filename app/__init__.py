"""MCC — the Multimedia Competence Centre. ``create_app`` builds the Flask application."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event

from app.core.db import will_write
from config import Config, config_from_env

APP_DIR = Path(__file__).resolve().parent
#: What the embedded SQLite default serves well (tests/core/test_sqlite_workers.py: 4 workers, 32 people at once).
SQLITE_MAX_WEB_WORKERS = 4

#: Domain packages, each exposing blueprints and, optionally, ``init_app(app)``. Order is navigation order.
DOMAINS = ("core", "jobs", "accounts", "notifications", "downloads", "certificates", "catalogue", "enrolment",
           "training", "learning", "network", "placements", "cooperation", "bulletin", "events", "reporting",
           "privacy", "audit", "offline", "api")


def create_app(config_class: type[Config] | None = None, **overrides: Any) -> Flask:
    """Build the application from a config class (default: the one ``MCC_ENV`` names) plus overrides."""
    config_class = config_class or config_from_env()
    config_class.validate()

    app = Flask(__name__, instance_path=str(config_class.INSTANCE_DIR), instance_relative_config=False)
    app.config.from_object(config_class)
    # Flask answers 400 to a Host header not in this list (links never follow the Host header anyway).
    app.config["TRUSTED_HOSTS"] = config_class.trusted_hosts()
    app.config.update(overrides)
    from app.core.observability import init_observability

    _database_options(app)
    init_observability(app)  # first: every later log line carries the request id
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_prefix=n)  # type: ignore[method-assign]

    from app.core.cookies import RememberingSessionInterface
    from app.core.urls import IdConverter, check_arguments

    app.session_interface = RememberingSessionInterface()

    app.url_map.converters["int"] = IdConverter  # before any blueprint: every <int:id> is bounded
    app.before_request(check_arguments)
    _init_extensions(app)

    import importlib
    import importlib.util

    for name in DOMAINS:
        module = importlib.import_module(f"app.{name}")
        if importlib.util.find_spec(f"app.{name}.models"):
            importlib.import_module(f"app.{name}.models")  # every table known to the metadata (and Alembic)
        for blueprint in module.blueprints():
            app.register_blueprint(blueprint)
        if hasattr(module, "init_app"):
            module.init_app(app)

    from app.backup import backup_cli, check_settings

    check_settings(app.config)
    from app.benchdata import bench_data_command
    from app.core.errors import register_error_handlers
    from app.core.templating import init_templating

    app.cli.add_command(bench_data_command)
    app.cli.add_command(backup_cli)

    from app.core import uow

    register_error_handlers(app)
    init_templating(app)
    uow.install(app)  # last: every view registered above runs as one unit of work
    return app


def translation_directories() -> list[str]:
    """One catalogue per domain package (app/<domain>/translations), plus the shared one (app/translations)."""
    dirs = [str(APP_DIR / "translations")]
    dirs += sorted(str(p) for p in APP_DIR.glob("*/translations") if p.is_dir())
    return dirs


def _init_extensions(app: Flask) -> None:
    from app.core import i18n
    from app.core.csp import content_security_policy
    from app.extensions import babel, cache, csrf, db, limiter, login_manager, migrate, talisman
    from app.storage import init_storage

    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _configure_sqlite(db.engine)
        else:
            _ping_when_idle(db.engine)
            if db.engine.dialect.driver == "psycopg":
                _begin_before_writing(db.engine)
            if app.config["ENV_NAME"] != "testing":
                logging.getLogger(__name__).info(
                    "SQLite (the embedded default): one machine, up to %s web workers (writers queue for the one "
                    "write lock; tested with 4 workers and 32 people at once); PostgreSQL for more",
                    SQLITE_MAX_WEB_WORKERS)
    migrate.init_app(app, db, directory=str(APP_DIR.parent / "migrations"), compare_type=True)

    if app.config["CACHE_TYPE"] == "RedisCache":
        # A hung Redis costs a page half a second; the report pages then compute their figures themselves.
        app.config.setdefault("CACHE_OPTIONS", {"socket_connect_timeout": 0.5, "socket_timeout": 0.5})
    cache.init_app(app)
    login_manager.init_app(app)
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        timezone_selector=i18n.select_timezone,
        default_translation_directories=";".join(translation_directories()),
    )
    csrf.init_app(app)
    limiter.init_app(app)
    from app.core.limits import skip_where_nothing_is_limited

    skip_where_nothing_is_limited(app)
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        frame_options="DENY",
        content_security_policy=content_security_policy(app),
        referrer_policy="strict-origin-when-cross-origin",
        permissions_policy={"geolocation": "()", "microphone": "()", "camera": "(self)"},
    )
    init_storage(app)


def _database_options(app: Flask) -> None:
    """PostgreSQL: the pool size and a statement timeout from the settings (a runaway query cannot hold a
    connection for ever)."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return
    options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    options["pool_size"] = app.config["DATABASE_POOL_SIZE"]
    timeout = app.config["DATABASE_STATEMENT_TIMEOUT_MS"]
    if timeout:
        options["connect_args"] = {**options.get("connect_args", {}), "options": f"-c statement_timeout={timeout}"}
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _ping_when_idle(engine) -> None:
    """SQLAlchemy's pessimistic disconnect handling, only where a connection can have gone stale.

    ``pool_pre_ping`` pinged before every checkout: one round trip on every request (on the reference page a
    fifth of its database time). A connection handed back a moment ago was alive then; one that sat idle (the
    server restarted, a proxy or ``idle_session_timeout`` closed it) is pinged and, if dead, replaced before any
    request sees it (``DisconnectionError`` makes the pool retry with a new connection: SQLAlchemy's documented
    recipe). A server that dies within the second after a connection's last use fails that one request, and
    SQLAlchemy then invalidates the whole pool.
    """
    import time

    from sqlalchemy import exc

    from app.core import db as core_db

    @event.listens_for(engine, "connect")
    def on_connect(_dbapi_connection, record):
        record.info["mcc_idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def on_checkin(_dbapi_connection, record):
        record.info["mcc_idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def on_checkout(dbapi_connection, record, _proxy):
        if time.monotonic() - record.info.get("mcc_idle_since", 0.0) < core_db.PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:  # unusable, whatever the reason: take another
            raise exc.DisconnectionError() from error


def _begin_before_writing(engine) -> None:
    """A reading request's connection runs without a transaction (``core.db.RequestSession``); a statement that
    is not a plain query begins one first, so that what it does is rolled back with the request, as always."""
    from psycopg.pq import TransactionStatus

    from app.core.db import READING

    @event.listens_for(engine, "before_cursor_execute")
    def begin_first(_connection, cursor, _statement, _parameters, context, _executemany):
        if context is None or not context.execution_options.get(READING):
            return
        if context.compiled is not None and not context.is_text and not context.isddl \
                and not (context.isinsert or context.isupdate or context.isdelete):
            return  # a query
        if cursor.connection.info.transaction_status == TransactionStatus.IDLE:
            cursor.execute("BEGIN")


def _configure_sqlite(engine) -> None:
    """Give SQLite real transactions (SAVEPOINT), foreign keys and WAL, and writers that never lose a lock race.

    pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT; SQLAlchemy's documented recipe
    takes it over. WAL lets readers proceed while the one writer writes. A transaction that reads and then writes
    cannot wait for the write lock once another writer committed after its first read ("database is locked" at
    once, busy timeout or not): so work that will write (a writing request, a worker's job: ``core.db.writes``)
    takes the lock with BEGIN IMMEDIATE up front and waits its turn; reading requests stay concurrent.
    """

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        if engine.url.database and engine.url.database != ":memory:":
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if will_write() else "BEGIN")
