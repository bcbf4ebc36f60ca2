"""The session cookie: Flask's signed cookie, each verified one remembered for the next request that shows it."""

from __future__ import annotations

import copy
import threading
import time
from typing import Any

from cachetools import LRUCache
from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature

#: How many verified cookies a process remembers (a few hundred bytes each).
REMEMBERED_COOKIES = 4096


class RememberingSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, except that a cookie already verified by this process is not verified
    again: a logged-in person sends the same cookie with every request, and checking its signature and decoding
    it was a tenth of a download's own work (docs/performance.md).

    Only what itsdangerous accepted is remembered, by the cookie's whole text and the keys that signed it; a
    remembered cookie is still refused once older than the session's lifetime, exactly when a fresh check would
    refuse it. Each request gets its own copy of the contents (a request may change its session)."""

    def __init__(self) -> None:
        self._verified: LRUCache = LRUCache(REMEMBERED_COOKIES)
        self._lock = threading.Lock()

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        value = request.cookies.get(self.get_cookie_name(app))
        if not value or not app.secret_key:
            return super().open_session(app, request)  # a new (or, without a key, no) session, as Flask makes
        max_age = int(app.permanent_session_lifetime.total_seconds())
        key = (value, app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        with self._lock:
            remembered = self._verified.get(key)
        if remembered is None:
            serializer = self.get_signing_serializer(app)
            try:
                data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
            except BadSignature:  # (an expired one too)
                return self.session_class()
            remembered = (data, int(signed_at.timestamp()))
            with self._lock:
                self._verified[key] = remembered
        data, signed_at = remembered
        age = int(time.time()) - signed_at
        if age > max_age or age < 0:  # as itsdangerous's own check (SignatureExpired)
            return self.session_class()
        return self.session_class(_copied(data))


def _copied(data: dict[str, Any]) -> dict[str, Any]:
    # Strings and numbers as they are; anything that could be changed in place (the flashed messages' list) copied.
    return {key: value if isinstance(value, str | int | float | bool | None) else copy.deepcopy(value)
            for key, value in data.items()}
