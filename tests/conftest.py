"""Fixtures shared by the whole suite.

Every database test runs once per backend: SQLite always, PostgreSQL too when ``TEST_DATABASE_URL`` is set
(a server URL; each run creates and drops its own databases there). The schema is built by the Alembic
migrations, never by ``create_all``.

Isolation: each test runs inside a transaction on one connection that is rolled back at the end. The
connection is put where Flask-SQLAlchemy looks for its engine, and sessions join it with SAVEPOINTs, so
``commit()`` in the code under test works and still leaves nothing behind.

The test body holds an app context (factories and services work directly); each test-client request runs
in its own fresh app context (its own session and ``g``), like a real request. After a request, re-read
rows (``db.session.refresh(obj)`` or a new query after ``db.session.expire_all()``) to see its changes.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from flask.globals import _cv_app
from flask.testing import FlaskClient
from sqlalchemy import select

from app import create_app
from app.accounts import passwords
from app.extensions import db as _db, limiter
from app.storage import build_storage
from config import TestingConfig
from tests.dbutil import BACKENDS, TEST_DATABASE_URL, drop_templates, fresh_database, upgrade_to_head
from tests.s3server import s3_config, s3_server  # noqa: F401  (fixtures)

CHROMIUM = "/usr/bin/chromium"

#: Argon2id as the app configures it (tests/accounts/test_password_hashing.py checks its cost and that it verifies).
PRODUCTION_HASHER = passwords._hasher
#: Tests hash and verify with Argon2id at its lowest cost: the real cost (64 MiB, 3 passes) is ~0.15 s a login on
#: these machines, which was 45% of the time of the suite's logins and seeders. Everything else about passwords
#: (the format, right and wrong passwords, unknown e-mails, re-hashing) is the app's own code. Set here, at import,
#: so the app processes the tests start (tests/serve_app.py, tests/run_worker.py) hash the same way.
TEST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
passwords._hasher = TEST_HASHER
passwords._DUMMY_HASH = TEST_HASHER.hash("not-a-real-password-just-for-timing")


def pytest_report_header(config):
    lines = [f"database backends: {', '.join(BACKENDS)}"]
    if not TEST_DATABASE_URL:
        lines.append("PostgreSQL: not tested (set TEST_DATABASE_URL to a server URL, as .ci/run does)")
    found = Path(CHROMIUM).exists()
    lines.append(f"browser tests: {'Chromium at ' if found else 'SKIPPED, missing: '}{CHROMIUM}")
    return lines


def pytest_sessionstart(session):
    # Tests render pages in Polish and Lithuanian: make sure the compiled catalogues match the .po files.
    from app.core.i18n_catalogues import compile_catalogues

    compile_catalogues()


#: The tests that take longest (10 s or more, from `--durations`), by the start of their ids: run first, so that the
#: test processes (`make test` runs `pytest -n 2 --dist worksteal`) share the short tests out at the end instead of
#: one process finishing a long test alone.
SLOW_FIRST = (
    "tests/e2e/test_accessibility_sweep.py::test_every_reachable_page_is_accessible_and_fits_the_screen[",
    "tests/core/test_hostile_input.py::test_no_route_answers_500",
    "tests/catalogue/test_video_processing.py::test_a_1080p_film_is_converted",
    "tests/privacy/test_backup.py::test_backup_and_restore_round_trip",
    "tests/jobs/test_worker.py::",
)


def _slow_first(items) -> None:
    def rank(item) -> int:
        return next((n for n, start in enumerate(SLOW_FIRST) if item.nodeid.startswith(start)), len(SLOW_FIRST))

    items.sort(key=rank)  # stable: the rest keeps pytest's order (module by module, so module fixtures are built once)


def pytest_collection_modifyitems(config, items):
    """The slowest tests first; browser tests need Chromium, CI (MCC_REQUIRE_BROWSER=1) fails instead of skipping
    them."""
    _slow_first(items)
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("MCC_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"MCC_REQUIRE_BROWSER=1 but {CHROMIUM} is missing (apt-get install -y chromium)")
    skip = pytest.mark.skip(reason=f"Chromium not installed at {CHROMIUM} (apt-get install -y chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def pytest_sessionfinish(session, exitstatus):
    """Make the counts CI must see explicit, and fail CI when any PostgreSQL, browser or Redis test did not run:
    every such test collected must have passed (a skip or an error is not "ran")."""
    drop_templates()  # the migrated databases this process copied new ones from (tests/dbutil.py)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    passed = reporter.stats.get("passed", [])
    reports = [r for outcome in ("passed", "failed", "skipped", "error") for r in reporter.stats.get(outcome, [])
               if getattr(r, "when", "call") in ("call", "setup")]

    def kind(nodeid: str) -> str | None:
        if "[postgresql" in nodeid or "-postgresql" in nodeid:
            return "PostgreSQL"
        if "/e2e/" in nodeid or "tests/e2e" in nodeid:
            return "browser"
        if "-redis]" in nodeid or "[redis" in nodeid:
            return "Redis"
        return None

    counts = {name: sum(1 for r in passed if kind(r.nodeid) == name) for name in ("PostgreSQL", "browser", "Redis")}
    skipped = len(reporter.stats.get("skipped", []))
    reporter.write_line(f"MCC: {len(passed)} passed, of which {counts['PostgreSQL']} on PostgreSQL, "
                        f"{counts['browser']} in the browser and {counts['Redis']} on Redis; {skipped} skipped")
    for name, variable in (("PostgreSQL", "MCC_REQUIRE_POSTGRES"), ("browser", "MCC_REQUIRE_BROWSER"),
                           ("Redis", "MCC_REQUIRE_REDIS")):
        if os.environ.get(variable) != "1":
            continue
        missed = sorted({r.nodeid for r in reports if kind(r.nodeid) == name and not r.passed})
        if counts[name] == 0 or (missed and exitstatus == 0):
            reporter.write_line(f"{variable}=1 but {len(missed) or 'all'} {name} tests did not pass: "
                                + ", ".join(missed[:10]))
            session.exitstatus = 1


class RequestIsolatingClient(FlaskClient):
    """A test client whose requests never reuse the test body's app context (so no shared session or g)."""

    def open(self, *args, **kwargs):
        # Streamed bodies (exports) are read here too, where the request's own contexts can be pushed.
        kwargs.setdefault("buffered", True)
        token = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)

    def csrf_token(self) -> str:
        page = self.get("/").get_data(as_text=True)  # every page carries the language form
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        assert match, "no CSRF token on /"
        return match.group(1)

    def post_form(self, url: str, data: dict | None = None, **kwargs):
        """POST a form with the session's CSRF token, as a browser would."""
        return self.post(url, data={"csrf_token": self.csrf_token(), **(data or {})}, **kwargs)


def make_test_app(database_url: str, media_root: Path, **overrides):
    overrides.setdefault("QUEUE_URL", f"sqlite:///{Path(media_root).parent / 'queue.sqlite3'}")
    return create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url, MEDIA_ROOT=media_root, **overrides)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def app(backend, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"app-{backend}")
    with fresh_database(backend, tmp) as url:
        application = make_test_app(url, tmp / "media")
        application.test_client_class = RequestIsolatingClient
        upgrade_to_head(application)
        yield application
        with application.app_context():
            _db.session.remove()
            _db.engine.dispose()


@pytest.fixture
def db(app):
    """The database, inside a transaction rolled back after the test; the test body runs in an app context."""
    with app.app_context():
        engine = _db.engine
        connection = engine.connect()
        outer = connection.begin()
        engines = _db._app_engines[app]
        engines[None] = connection
        _db.session.remove()
        _db.session.configure(join_transaction_mode="create_savepoint")
        limiter.reset()
        app.extensions["mcc_sent_mail"] = []
        media = Path(app.config["MEDIA_ROOT"])
        try:
            yield _db
        finally:
            _db.session.remove()
            if outer.is_active:
                outer.rollback()
            connection.close()
            engines[None] = engine
            shutil.rmtree(media, ignore_errors=True)


@pytest.fixture
def client(app, db) -> RequestIsolatingClient:
    return app.test_client()


class QueuedMail(Sequence):
    """The mails the test's requests queued in the outbox, as the messages a worker will send (read afresh at
    every look; delivering them is tested with a real worker in tests/jobs)."""

    def _messages(self) -> list:
        from email.message import EmailMessage

        from app.jobs.models import OutboxMessage

        _db.session.expire_all()
        messages = []
        for row in _db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "mail.send")
                                       .order_by(OutboxMessage.id)):
            message = EmailMessage()
            message["To"], message["Subject"] = row.payload["to"], row.payload["subject"]
            message.set_content(row.payload["body"])
            for attachment in row.payload.get("attachments") or ():
                maintype, _, subtype = attachment["content_type"].partition("/")
                message.add_attachment(attachment["text"].encode(), maintype=maintype,
                                       subtype=subtype.split(";")[0], filename=attachment["filename"])
            messages.append(message)
        return messages

    def __getitem__(self, index):
        return self._messages()[index]

    def __len__(self) -> int:
        return len(self._messages())

    def __eq__(self, other) -> bool:
        return list(self) == list(other)

    __hash__ = None

    def clear(self) -> None:
        from sqlalchemy import delete

        from app.jobs.models import OutboxMessage

        _db.session.execute(delete(OutboxMessage).where(OutboxMessage.kind == "mail.send"))
        _db.session.commit()


@pytest.fixture(params=["local", "s3"])
def backend_storage(request, app, db):
    """Run the test with the app's storage set to each backend in turn."""
    original = app.extensions["mcc_storage"]
    if request.param == "s3":
        app.extensions["mcc_storage"] = build_storage(request.getfixturevalue("s3_config"))
    yield app.extensions["mcc_storage"]
    app.extensions["mcc_storage"] = original


@pytest.fixture
def sent_mail(app, db) -> QueuedMail:
    """Mails queued during the test (the outbox rows the requests wrote)."""
    return QueuedMail()


@pytest.fixture
def login(client):
    """Log the client in as ``user`` through the real login form."""

    def do_login(user, password: str = "correct horse battery"):
        if client.get_cookie("session") is not None:
            client.post_form("/logout")  # switching person, as on a shared shop-floor PC
        response = client.post_form("/login", {"email": user.email, "password": password})
        assert response.status_code == 303, f"login of {user.email} failed: {response.status_code}"
        return response

    return do_login
