"""Operating MCC: a request id on every request (and on the jobs it asks for), structured logs, Prometheus
metrics on a protected endpoint, and optional Sentry error reporting.

- Request id: the ``X-Request-ID`` a proxy sends (if it looks like one), else a new one; answered in the response
  header, written on every log line of the request (gunicorn's access log too, from the header) and stored with
  each outbox message, so a worker's log lines of that job carry it as well.
- Logs: ``MCC_LOG_FORMAT=json`` (production default) writes one JSON object per line (python-json-logger), with
  the request id; ``text`` is for people at a terminal.
- Metrics (prometheus_client): requests by endpoint, method and status, latency histograms by endpoint, and
  scrape-time gauges for the job queue (waiting messages, the oldest one's age, failed ones) at ``/metrics``,
  answered only with ``Authorization: Bearer <MCC_METRICS_TOKEN>`` (404 when no token is set). With several
  gunicorn processes set ``PROMETHEUS_MULTIPROC_DIR`` (prometheus_client's multiprocess mode).
- Errors: ``MCC_SENTRY_DSN`` turns on Sentry (sentry-sdk with its Flask integration); nothing is sent otherwise.
"""

from __future__ import annotations

import hmac
import logging
import os
import re
import time
import uuid

from flask import Flask, Response, abort, g, has_app_context, request

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
log = logging.getLogger(__name__)


def _with_request_id(factory):
    """A log-record factory that stamps every record with the current request's (or job's) id, whatever handler
    writes it (ours, gunicorn's, a test's)."""

    def make(*args, **kwargs) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        record.request_id = (g.get("request_id") if has_app_context() else None) or "-"
        return record

    make._mcc = True  # type: ignore[attr-defined]
    return make


def configure_logging(app: Flask) -> None:
    root = logging.getLogger()
    handler = next((h for h in root.handlers if getattr(h, "_mcc", False)), None)
    if handler is None:
        handler = logging.StreamHandler()
        handler._mcc = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    if app.config["LOG_FORMAT"] == "json":
        from pythonjsonlogger.json import JsonFormatter

        handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
                                           rename_fields={"asctime": "time", "levelname": "level"}))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    if not getattr(logging.getLogRecordFactory(), "_mcc", False):
        logging.setLogRecordFactory(_with_request_id(logging.getLogRecordFactory()))
    root.setLevel(app.config["LOG_LEVEL"])


def _begin() -> None:
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
    g.mcc_started = time.perf_counter()


def _finish(response: Response) -> Response:
    response.headers["X-Request-ID"] = g.get("request_id", "")
    metrics = _metrics()
    if metrics is not None and request.endpoint != "core.metrics":
        endpoint = request.endpoint or "unmatched"
        metrics["requests"].labels(endpoint, request.method, str(response.status_code)).inc()
        metrics["latency"].labels(endpoint).observe(time.perf_counter() - g.get("mcc_started", time.perf_counter()))
    return response


def _metrics() -> dict | None:
    from flask import current_app

    return current_app.extensions.get("mcc_metrics")


def init_metrics(app: Flask) -> None:
    from prometheus_client import CollectorRegistry, Counter, Histogram

    registry = CollectorRegistry(auto_describe=True)
    app.extensions["mcc_metrics"] = {
        "registry": registry,
        "requests": Counter("mcc_requests_total", "HTTP requests answered", ["endpoint", "method", "status"],
                            registry=registry),
        "latency": Histogram("mcc_request_seconds", "Time to answer a request", ["endpoint"], registry=registry,
                             buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)),
    }


def metrics_response() -> Response:
    """The metrics, for a scraper that shows the token (404 for everyone else: the endpoint is not advertised)."""
    from flask import current_app
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess

    token = current_app.config.get("METRICS_TOKEN") or ""
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not token or not hmac.compare_digest(token.encode(), given.encode()):
        abort(404)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        body = generate_latest(current_app.extensions["mcc_metrics"]["registry"])
    body += _queue_gauges()
    return Response(body, mimetype=CONTENT_TYPE_LATEST)


def _queue_gauges() -> bytes:
    """Read at scrape time from the database (every worker's jobs, not just this process's)."""
    from datetime import UTC

    from sqlalchemy import func, select

    from app.core.db import utcnow
    from app.extensions import db

    outbox = db.metadata.tables.get("outbox_messages")
    if outbox is None:
        return b""
    now = utcnow()
    waiting, oldest = db.session.execute(select(func.count(), func.min(outbox.c.available_at)).where(
        outbox.c.done_at.is_(None), outbox.c.failed_at.is_(None), outbox.c.available_at <= now)).one()
    failed = db.session.scalar(select(func.count()).where(outbox.c.failed_at.is_not(None))) or 0
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    age = (now - oldest).total_seconds() if oldest else 0
    return (f"# HELP mcc_jobs_waiting Background jobs due and not done\n# TYPE mcc_jobs_waiting gauge\n"
            f"mcc_jobs_waiting {waiting}\n"
            f"# HELP mcc_jobs_oldest_waiting_seconds Age of the oldest due job\n"
            f"# TYPE mcc_jobs_oldest_waiting_seconds gauge\nmcc_jobs_oldest_waiting_seconds {age:.0f}\n"
            f"# HELP mcc_jobs_failed Background jobs that failed for good\n# TYPE mcc_jobs_failed gauge\n"
            f"mcc_jobs_failed {failed}\n").encode()


def init_sentry(app: Flask) -> None:
    dsn = app.config.get("SENTRY_DSN")
    if not dsn:
        return
    import sentry_sdk
    from sentry_sdk.integrations.flask import FlaskIntegration

    sentry_sdk.init(dsn=dsn, integrations=[FlaskIntegration()], environment=app.config.get("ENV_NAME"),
                    send_default_pii=False, traces_sample_rate=0.0)


def init_observability(app: Flask) -> None:
    configure_logging(app)
    init_metrics(app)
    init_sentry(app)
    app.before_request(_begin)
    app.after_request(_finish)
