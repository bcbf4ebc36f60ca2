"""What ``/healthz`` reports. "ok": everything answers. "degraded" (still 200: keep the instance in rotation):
storage, the cache, the rate-limit store or the job queue is down — pages without files still work, limits go on
per process. "unavailable" (503): the database is down, nothing works. Every check has a short timeout.

Besides the database and storage, packages register their own checks (the job queue registers its reachability,
oldest waiting job and workers seen), so core imports none of them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: name → function returning (facts for the JSON answer, healthy?)
CHECKS: dict[str, Callable[[], tuple[dict[str, Any], bool]]] = {}


def register_health_check(name: str, check: Callable[[], tuple[dict[str, Any], bool]]) -> None:
    CHECKS[name] = check


def rate_limit_health() -> tuple[dict[str, Any], bool]:
    """The rate-limit counters' store (Redis in production): when it is down, limits go on per process."""
    from flask import current_app

    from app.extensions import limiter

    uri = current_app.config["RATELIMIT_STORAGE_URI"]
    if uri.startswith("memory://"):
        return {"status": "ok", "store": "per process"}, True
    try:
        alive = bool(limiter.storage.check())
    except Exception:
        alive = False
    return ({"status": "ok", "store": "shared"}, True) if alive else \
        ({"status": "unavailable", "store": "per process until it is back"}, False)


def cache_health() -> tuple[dict[str, Any], bool]:
    """The report cache (Redis in production): when it is down, figures are computed on every request."""
    from flask import current_app

    from app.extensions import cache

    if current_app.config["CACHE_TYPE"] != "RedisCache":
        return {"status": "ok", "store": "per process"}, True
    try:
        cache.cache._read_client.ping()  # Flask-Caching's Redis backend: a PING with the short socket timeout
        return {"status": "ok", "store": "shared"}, True
    except Exception:
        return {"status": "unavailable", "store": "none: figures computed each time"}, False


register_health_check("rate_limits", rate_limit_health)
register_health_check("cache", cache_health)


def readiness() -> dict[str, Any]:
    import logging

    from flask import current_app
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    from app.extensions import db
    from app.storage import StorageUnavailable, get_storage

    log = logging.getLogger(__name__)
    state: dict[str, Any] = {"database": "ok", "storage": "ok",
                             "storage_backend": current_app.config["STORAGE_BACKEND"]}
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        log.error("health check: database unavailable: %s", error)
        state["database"] = "unavailable"
        db.session.rollback()
    try:
        get_storage().check()
    except StorageUnavailable as error:
        log.error("health check: storage unavailable: %s", error)
        state["storage"] = "unavailable"
    whole = state["storage"] == "ok"
    for name, check in CHECKS.items():
        try:
            facts, ok = check()
        except Exception as error:  # a check that breaks is reported, never a 500
            log.error("health check %s failed: %s", name, error)
            facts, ok = {"status": "unavailable"}, False
            db.session.rollback()
        state[name] = facts
        whole = whole and ok
    state["status"] = "unavailable" if state["database"] != "ok" else ("ok" if whole else "degraded")
    return state
