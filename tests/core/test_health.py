from tests.conftest import make_test_app


def test_liveness_answers_without_touching_anything(client):
    response = client.get("/healthz/live")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok\n"


def test_readiness_reports_database_and_storage(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json
    queue = body.pop("queue")
    assert body == {"status": "ok", "database": "ok", "storage": "ok", "storage_backend": "local"}
    # No worker runs beside the test app: what the other tests queued waits (tests/jobs run real workers).
    assert queue["status"] == "ok" and queue["workers_seen"] == 0 and queue["failed"] == 0
    assert isinstance(queue["queued"], int) and queue["oldest_waiting_seconds"] == 0


def test_readiness_is_503_when_storage_is_unusable(backend, app, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the media root should be")
    broken = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], blocker / "media",
                           QUEUE_URL=f"sqlite:///{tmp_path / 'queue.sqlite3'}")
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["storage"] == "unavailable"
    assert response.json["database"] == "ok"


def test_readiness_is_503_when_the_database_is_down(backend, tmp_path):
    url = {
        "sqlite": f"sqlite:///{tmp_path}/missing-dir/x.sqlite3",
        "postgresql": "postgresql+psycopg://postgres@127.0.0.1:1/nowhere?connect_timeout=2",
    }[backend]
    broken = make_test_app(url, tmp_path / "media")
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "database": "unavailable", "storage": "ok",
                             "storage_backend": "local", "queue": {"status": "unavailable"}}


def test_pages_answer_503_in_the_users_language_when_the_database_is_down(tmp_path):
    from tests.conftest import RequestIsolatingClient

    broken = make_test_app(f"sqlite:///{tmp_path}/missing-dir/x.sqlite3", tmp_path / "media")
    broken.test_client_class = RequestIsolatingClient
    client = broken.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "pl"
    response = client.post_form("/login", {"email": "a@example.com", "password": "whatever-it-is"})
    assert response.status_code == 503
    assert "Usługa jest chwilowo niedostępna. Nic nie zostało zapisane" in response.get_data(as_text=True)
