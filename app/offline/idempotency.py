"""Actions sent by the offline queue carry an ``Idempotency-Key`` header (a UUID made on the device when the
action was taken): the first request with a key runs the view and, if it is accepted, remembers the key in the
same transaction; any later request with the same key from the same person is answered "already received" and
changes nothing. The server still decides: a replayed action goes through the same view and rules as a live one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar

from flask import jsonify, make_response, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.core.db import utcnow
from app.extensions import db
from app.jobs.outbox import handler
from app.jobs.schedule import every
from app.offline.models import ReplayKey

F = TypeVar("F", bound=Callable[..., Any])
HEADER = "Idempotency-Key"
#: Keys are UUIDs in practice; anything else of this shape is accepted, nothing longer or stranger.
KEY_SHAPE = re.compile(r"[A-Za-z0-9-]{8,64}")
#: How long keys are remembered: far longer than any device stays offline.
KEEP_FOR = timedelta(days=60)


def seen(user: User, key: str) -> bool:
    return db.session.scalar(select(ReplayKey.id).where(ReplayKey.user_id == user.id, ReplayKey.key == key)) \
        is not None


def claim(user: User, key: str, endpoint: str) -> bool:
    """Remember ``key`` for ``user`` (flushes, in a savepoint); False when it was already there, also when another
    request holding the same key committed in the meantime (the unique pair refuses the second)."""
    if seen(user, key):
        return False
    try:
        with db.session.begin_nested():
            db.session.add(ReplayKey(user_id=user.id, key=key, endpoint=endpoint[:64]))
    except IntegrityError:
        return False
    return True


def forget_old_keys(now=None) -> int:
    """Drop keys older than ``KEEP_FOR`` (scheduled upkeep); returns how many."""
    result = db.session.execute(delete(ReplayKey).where(ReplayKey.created_at < (now or utcnow()) - KEEP_FOR))
    return result.rowcount or 0


def _already_received():
    response = jsonify(ok=True, duplicate=True,
                       message=_("This was already received; it was not counted a second time."))
    response.headers["Cache-Control"] = "no-store"
    return response


def idempotent(view: F) -> F:
    """Count a request carrying an ``Idempotency-Key`` once per person (put it below ``login_required``)."""

    @wraps(view)
    def run(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER)
        if key is None or not current_user.is_authenticated:
            return view(*args, **kwargs)
        if not KEY_SHAPE.fullmatch(key):
            return jsonify(ok=False, message=_("This action could not be sent: its key is not valid.")), 400
        if not claim(current_user, key, request.endpoint or ""):
            return _already_received()
        # The view's own answer (a refusal rolls the key back with everything else: the action may come again).
        return make_response(view(*args, **kwargs))

    return run  # type: ignore[return-value]


@handler("offline.forget_old_keys", attempts=3)
def _forget_old_keys(payload: dict) -> None:
    forget_old_keys()


every("offline.forget_old_keys", "offline.forget_old_keys", hour=3, minute=50)
