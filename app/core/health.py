"""What ``/healthz`` reports besides the database and storage: packages register their own checks (the job queue
registers its reachability, oldest waiting job and workers seen), so core imports none of them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: name → function returning (facts for the JSON answer, healthy?)
CHECKS: dict[str, Callable[[], tuple[dict[str, Any], bool]]] = {}


def register_health_check(name: str, check: Callable[[], tuple[dict[str, Any], bool]]) -> None:
    CHECKS[name] = check
