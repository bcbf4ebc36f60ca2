"""Real workers for real jobs: a committed database of its own, the queue on SQLite (the embedded default) and on
Redis (production), a worker started as a separate process (``tests/run_worker.py``) and an SMTP server the
tests can start and stop (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
import redis

from tests.conftest import RequestIsolatingClient, make_test_app
from tests.dbutil import fresh_database, upgrade_to_head
from tests.s3server import _free_port

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/3"


def redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


QUEUES = ["sqlite", "redis"] if redis_available() or os.environ.get("MCC_REQUIRE_REDIS") == "1" else ["sqlite"]


def wait_for(condition: Callable[[], object], seconds: float = 30, what: str = "the condition"):
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {seconds:.0f} s")
        time.sleep(0.2)


class Mailbox:
    """An SMTP server on 127.0.0.1 that keeps what it receives; ``start``/``stop`` make the mail server come and go."""

    def __init__(self):
        self.port = _free_port()
        self.received: list = []
        self.controller = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        mailbox = self

        class Keep:
            async def handle_DATA(self, server, session, envelope):
                from email import message_from_bytes

                mailbox.received.append(message_from_bytes(envelope.content))
                return "250 OK"

        self.controller = Controller(Keep(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


class JobsWorld:
    """An app whose data is committed for real, and the worker processes that serve its queue."""

    def __init__(self, app, database_url: str, media: Path, settings: dict[str, str]):
        self.app, self.database_url, self.media, self.settings = app, database_url, media, settings
        self.workers: list[subprocess.Popen] = []

    def start_worker(self) -> subprocess.Popen:
        from sqlalchemy import select

        from app.extensions import db
        from app.jobs.models import WorkerBeat

        # MCC_WORKER_LOG=/tmp/workers.log keeps the workers' logs (to see what a failing test's worker did).
        log_path = os.environ.get("MCC_WORKER_LOG")
        log = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115  (the process writes it)
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.run_worker", self.database_url, str(self.media),
             *[f"{key}={value}" for key, value in self.settings.items()]], cwd=ROOT, stdout=subprocess.DEVNULL,
            stderr=log)
        if log_path:
            log.close()
        self.workers.append(process)

        def ready():
            if process.poll() is not None:
                raise AssertionError(f"the worker exited with status {process.returncode}")
            with self.app.app_context():
                try:
                    return db.session.scalar(select(WorkerBeat).where(WorkerBeat.name.endswith(f":{process.pid}")))
                finally:
                    db.session.remove()

        wait_for(ready, 60, "the worker's start")
        return process

    def trainer_uploading(self, request, storage: str) -> tuple[JobsWorld, object, int, int]:
        """A trainer with a lesson, logged in, on ``storage`` (local or s3: the worker gets the same settings), and
        a worker started: (this world, the trainer's client, lesson id, trainer id)."""
        from app.core.permissions import Role
        from app.extensions import db
        from app.storage import build_storage
        from tests.factories import create_user
        from tests.factories.catalogue import create_course, first_lesson

        app = self.app
        if storage == "s3":
            s3 = request.getfixturevalue("s3_config")
            app.config.update(s3)
            app.extensions["mcc_storage"] = build_storage(app.config)
            self.settings.update({key: str(value) for key, value in s3.items() if value is not None})
        with app.app_context():
            trainer = create_user(Role.TRAINER, language="pl")
            lesson_id = first_lesson(create_course(trainers=[trainer])).id
            trainer_id, email = trainer.id, trainer.email
            db.session.remove()
        client = app.test_client()
        client.post("/login", data={"email": email, "password": "correct horse battery",
                                    "csrf_token": client.csrf_token()})
        self.start_worker()
        return self, client, lesson_id, trainer_id

    def kill(self, process: subprocess.Popen) -> None:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.workers:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)


@pytest.fixture(params=QUEUES)
def jobs_world(request, backend, tmp_path):
    if request.param == "redis" and not redis_available():
        pytest.fail(f"Redis is not reachable at {REDIS_URL} (start it as .ci/run does)")
    mailbox = Mailbox()
    name = f"mcc-test-{uuid.uuid4().hex[:10]}"
    queue_url = f"sqlite:///{tmp_path / 'queue.sqlite3'}" if request.param == "sqlite" else REDIS_URL
    settings = {"QUEUE_URL": queue_url, "QUEUE_NAME": name, "MAIL_BACKEND": "smtp", "SMTP_HOST": "127.0.0.1",
                "SMTP_PORT": str(mailbox.port), "JOB_RETRY_SECONDS": "1", "JOB_LEASE_SECONDS": "4"}
    with fresh_database(backend, tmp_path) as url:
        app = make_test_app(url, tmp_path / "media", **{k: int(v) if v.isdigit() else v for k, v in settings.items()})
        app.test_client_class = RequestIsolatingClient
        upgrade_to_head(app)
        world = JobsWorld(app, url, tmp_path / "media", settings)
        world.mailbox = mailbox
        try:
            yield world
        finally:
            world.stop_all()
            mailbox.stop()
            if request.param == "redis":
                client = redis.Redis.from_url(REDIS_URL)
                for key in client.scan_iter(f"*{name}*"):
                    client.delete(key)
            with app.app_context():
                from app.extensions import db

                db.session.remove()
                db.engine.dispose()
