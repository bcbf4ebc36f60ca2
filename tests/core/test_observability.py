"""Operating MCC: metrics on a protected endpoint, and one request id on a request's log lines and on those of the
job it asked for."""

from __future__ import annotations

import logging

from sqlalchemy import select

from app.jobs.models import OutboxMessage
from app.jobs.outbox import process
from tests.factories import create_user


def test_metrics_count_requests_and_time_them_behind_a_token(app, client, db, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", "scrape-me-please-0123456789")
    for _ in range(3):
        assert client.get("/courses/").status_code == 200
    assert client.get("/metrics").status_code == 404  # no token: the endpoint is not there
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    response = client.get("/metrics", headers={"Authorization": "Bearer scrape-me-please-0123456789"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'mcc_requests_total{endpoint="catalogue.index",method="GET",status="200"}' in text
    assert 'mcc_request_seconds_bucket{endpoint="catalogue.index",le="0.5"}' in text
    assert "mcc_jobs_waiting" in text and "mcc_jobs_failed" in text


def test_a_request_and_the_job_it_asked_for_log_with_one_request_id(app, client, db, caplog):
    user = create_user()
    with caplog.at_level(logging.INFO):
        response = client.post_form("/forgot-password", {"email": user.email},
                                    headers={"X-Request-ID": "req-42-abcdef"})
        assert response.headers["X-Request-ID"] == "req-42-abcdef"
        message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "mail.send"))
        assert message.request_id == "req-42-abcdef"
        with app.app_context():
            assert process(message.id) == "done"
    queued = [r for r in caplog.records if r.getMessage().startswith("queued mail.send")]
    done = [r for r in caplog.records if r.getMessage().startswith("done mail.send")]
    assert queued and done
    assert queued[0].request_id == done[0].request_id == "req-42-abcdef"


def test_a_request_without_an_id_gets_one(client):
    first, second = client.get("/healthz/live"), client.get("/healthz/live")
    assert len(first.headers["X-Request-ID"]) == 32 and first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
