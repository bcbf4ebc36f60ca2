"""A job for testing the outbox machinery itself (registered in the test process and in the worker process)."""

from __future__ import annotations

import time

from app.core.audit import record_event
from app.jobs.outbox import handler


@handler("tests.slow_record", attempts=3)
def slow_record(payload: dict) -> None:
    """Takes ``seconds``, then leaves one audit entry: killed half-way, it must leave nothing; redone, exactly one."""
    time.sleep(payload.get("seconds", 0))
    record_event("tests.slow_record", object_type="tests", object_id=payload["key"])


@handler("tests.flaky", attempts=2)
def flaky(payload: dict) -> None:
    """Fails until the site setting ``tests.flaky`` says "ok" (a partner system that is down, then back)."""
    from app.core.models import SiteSetting
    from app.extensions import db

    row = db.session.get(SiteSetting, "tests.flaky")
    if row is None or row.value != '"ok"':
        raise RuntimeError("the partner system is down")
    record_event("tests.flaky_done", object_type="tests", object_id=payload["key"])
