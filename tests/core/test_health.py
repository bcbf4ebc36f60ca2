"""/healthz: "ok", "degraded" (200: storage, cache, rate-limit store or queue down, pages without files still
work) or "unavailable" (503: the database is down); /healthz/live answers without touching anything."""

import socket
import subprocess
import threading
import time

from tests.conftest import make_test_app
from tests.dbutil import fresh_database, upgrade_to_head
from tests.s3server import _free_port


def test_liveness_answers_without_touching_anything(client):
    response = client.get("/healthz/live")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok\n"


def test_readiness_reports_every_part(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json
    queue = body.pop("queue")
    assert body == {"status": "ok", "database": "ok", "storage": "ok", "storage_backend": "local",
                    "rate_limits": {"status": "ok", "store": "per process"},
                    "cache": {"status": "ok", "store": "per process"}}
    # No worker runs beside the test app: what the other tests queued waits (tests/jobs run real workers).
    assert queue["status"] == "ok" and queue["workers_seen"] == 0 and queue["failed"] == 0
    assert isinstance(queue["queued"], int) and queue["oldest_waiting_seconds"] == 0


def test_unusable_storage_is_degraded_not_out_of_rotation(backend, app, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the media root should be")
    broken = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], blocker / "media",
                           QUEUE_URL=f"sqlite:///{tmp_path / 'queue.sqlite3'}")
    response = broken.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "degraded"
    assert response.json["storage"] == "unavailable" and response.json["database"] == "ok"


def test_readiness_is_503_when_the_database_is_down(backend, tmp_path):
    url = {
        "sqlite": f"sqlite:///{tmp_path}/missing-dir/x.sqlite3",
        "postgresql": "postgresql+psycopg://postgres@127.0.0.1:1/nowhere?connect_timeout=2",
    }[backend]
    broken = make_test_app(url, tmp_path / "media")
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable" and response.json["database"] == "unavailable"
    assert response.json["storage"] == "ok"


def test_pages_answer_503_in_the_users_language_when_the_database_is_down(tmp_path):
    from tests.conftest import RequestIsolatingClient

    broken = make_test_app(f"sqlite:///{tmp_path}/missing-dir/x.sqlite3", tmp_path / "media")
    broken.test_client_class = RequestIsolatingClient
    client = broken.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "pl"
    response = client.post_form("/login", {"email": "a@example.com", "password": "whatever-it-is"})
    assert response.status_code == 503
    assert "Usługa jest chwilowo niedostępna. Nic nie zostało zapisane" in response.get_data(as_text=True)


def _app_with_a_user(backend, tmp_path, **settings):
    from tests.conftest import RequestIsolatingClient

    database = fresh_database(backend, tmp_path)
    url = database.__enter__()
    application = make_test_app(url, tmp_path / "media", **settings)
    application.test_client_class = RequestIsolatingClient
    upgrade_to_head(application)
    with application.app_context():
        from app.extensions import db
        from tests.factories import create_user

        email = create_user().email
        db.session.remove()
    return application, email, database


def test_redis_stopped_during_the_day_logins_still_work_and_health_says_degraded(backend, tmp_path):
    port = _free_port()
    redis = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.1)
        application, email, database = _app_with_a_user(
            backend, tmp_path, RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{port}/0")
        client = application.test_client()
        assert client.post_form("/login", {"email": email, "password": "correct horse battery"}).status_code == 303
        assert client.get("/healthz").json["rate_limits"]["status"] == "ok"
        client.post_form("/logout")
        redis.terminate()
        redis.wait(timeout=10)
        assert client.post_form("/login", {"email": email, "password": "correct horse battery"}).status_code == 303
        health = client.get("/healthz")
        assert health.status_code == 200 and health.json["status"] == "degraded"
        assert health.json["rate_limits"]["status"] == "unavailable"
        # The limits still hold, per process: ten wrong passwords, then 429.
        client.post_form("/logout")
        answers = [client.post_form("/login", {"email": email, "password": "wrong"}).status_code for _ in range(12)]
        assert answers[:10] == [422] * 10 and answers[-1] == 429
    finally:
        if redis.poll() is None:
            redis.kill()
        database.__exit__(None, None, None)
        # The limiter is one object per process and keeps the storage of the last app set up with it (and its
        # "storage is dead" flag, which Flask-Limiter sets only in its constructor): point it back at process
        # memory, alive, or later tests reach for the Redis stopped above or run on the fallback limits.
        from app.extensions import limiter

        make_test_app(f"sqlite:///{tmp_path / 'after.sqlite3'}", tmp_path / "after-media")
        limiter._storage_dead = False


def test_a_hung_s3_does_not_hang_the_health_check(backend, app, tmp_path):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)  # accepts connections, never answers
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept():
        silent.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(silent.accept()[0])
            except OSError:
                continue

    threading.Thread(target=accept, daemon=True).start()
    try:
        endpoint = f"http://127.0.0.1:{silent.getsockname()[1]}"
        hung = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "media", STORAGE_BACKEND="s3",
                             S3_ENDPOINT_URL=endpoint, S3_BUCKET="mcc", S3_ACCESS_KEY_ID="x",
                             S3_SECRET_ACCESS_KEY="y")
        started = time.monotonic()
        response = hung.test_client().get("/healthz")
        elapsed = time.monotonic() - started
        assert response.status_code == 200 and response.json["storage"] == "unavailable"
        assert elapsed < 5, f"/healthz took {elapsed:.1f} s with a hung S3"  # 240 s before (60 s timeout, retries)
    finally:
        stop.set()
        for connection in held:
            connection.close()
        silent.close()
