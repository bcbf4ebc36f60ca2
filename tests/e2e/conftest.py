"""Browser tests: Playwright driving Debian's Chromium against the app served on 127.0.0.1.

The live server is a real app (per database backend) in a background thread with its own database;
data is committed for real, and every table is emptied before each test.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

import pytest
from werkzeug.serving import make_server

from app.extensions import limiter
from tests.conftest import CHROMIUM, make_test_app
from tests.dbutil import fresh_database, truncate_all, upgrade_to_head

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def pytest_terminal_summary(terminalreporter):
    # Under xdist the pages were visited in the workers: their reports carry the list.
    lines = [line for outcome in ("passed", "failed") for report in terminalreporter.stats.get(outcome, [])
             if report.when == "call" for name, value in report.user_properties if name == "sweep_visited"
             for line in value]
    if lines:
        terminalreporter.section("accessibility sweep: pages visited")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Playwright's own browser download does not work here: use Debian's Chromium.
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-GB", "timezone_id": "Europe/Warsaw"}


@pytest.fixture(scope="session")
def browser(browser):
    """Service workers are blocked in every context unless a test asks for them (``service_workers="allow"``: the
    offline journeys). A worker controlling the page takes its requests out of ``page.route``'s reach (the upload
    journeys cut parts off that way), and installing the app shell in every new context costs time."""
    new_context = browser.new_context

    def new_context_without_service_workers(**kwargs):
        kwargs.setdefault("service_workers", "block")
        return new_context(**kwargs)

    browser.new_context = new_context_without_service_workers
    return browser


class LiveServer:
    def __init__(self, app, url: str):
        self.app, self.url = app, url

    def __call__(self, path: str = "/") -> str:
        return self.url + path


@contextmanager
def serving(app):
    """Serve ``app`` on a free port of 127.0.0.1 from a background thread while the block runs."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        with app.app_context():
            from app.extensions import db

            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="session")
def live_server_session(backend, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"live-{backend}")
    with fresh_database(backend, tmp) as url:
        app = make_test_app(url, tmp / "media", MAIL_BACKEND="memory")
        upgrade_to_head(app)
        with serving(app) as server:
            yield server


@pytest.fixture
def s3_live_server(backend, tmp_path, s3_config):
    """A live server whose storage is the S3 test server (browsers upload parts straight to the bucket)."""
    with fresh_database(backend, tmp_path) as url:
        app = make_test_app(url, tmp_path / "media", MAIL_BACKEND="memory", **s3_config)
        upgrade_to_head(app)
        with serving(app) as server:
            yield server


@pytest.fixture
def live_server(live_server_session):
    """The running app with empty tables; use ``live_server.app.app_context()`` to add data."""
    truncate_all(live_server_session.app)
    with live_server_session.app.app_context():
        limiter.reset()
    live_server_session.app.extensions["mcc_sent_mail"] = []
    return live_server_session


@pytest.fixture
def make_user(live_server):
    """Create a committed user in the live server's database."""
    from tests.factories import create_user

    def make(*args, **kwargs):
        with live_server.app.app_context():
            user = create_user(*args, **kwargs)
            return {"id": user.id, "email": user.email, "full_name": user.full_name}

    return make


@pytest.fixture
def browser_login(page, live_server):
    def login(email: str, password: str = "correct horse battery"):
        page.goto(live_server("/login"))
        page.get_by_label("E-mail").fill(email)
        page.get_by_label("Password", exact=True).fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()

    return login


def queued_mail_bodies(app) -> list[str]:
    """The bodies of the mails the live server queued (no worker runs beside it: tests/jobs deliver them)."""
    from sqlalchemy import select

    from app.extensions import db
    from app.jobs.models import OutboxMessage

    with app.app_context():
        try:
            return [row.payload["body"] for row in db.session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "mail.send").order_by(OutboxMessage.id))]
        finally:
            db.session.remove()
