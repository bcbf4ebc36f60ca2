"""The session cookie: a cookie verified once is read again without verifying it, and a remembered cookie is refused
as a fresh check would refuse it (tampered with, expired, signed with a key no longer in use)."""

from __future__ import annotations

from flask import request
from itsdangerous import URLSafeTimedSerializer

from app.core import cookies
from app.core.cookies import RememberingSessionInterface
from tests.factories import create_user


def _opened(app, value: str):
    with app.test_request_context("/", headers={"Cookie": f"session={value}"}):
        return app.session_interface.open_session(app, request)


def test_a_logged_in_person_is_verified_once_per_process(app, client, login, db, monkeypatch):
    assert isinstance(app.session_interface, RememberingSessionInterface)
    verified = []
    original = URLSafeTimedSerializer.loads
    monkeypatch.setattr(URLSafeTimedSerializer, "loads",
                        lambda self, *args, **kwargs: verified.append(1) or original(self, *args, **kwargs))
    login(create_user(full_name="Ona Petraitienė"))
    before = len(verified)
    for _ in range(3):
        assert "Ona Petraitienė" in client.get("/accounts/profile").get_data(as_text=True)
    assert len(verified) == before + 1  # the cookie the login set, checked on its first use only


def test_each_request_gets_its_own_copy(app):
    value = app.session_interface.get_signing_serializer(app).dumps(
        {"_user_id": "7:secret", "_flashes": [("info", "one")]})
    first = _opened(app, value)
    first["_flashes"].append(("info", "two"))  # a request that flashes changes the list in place
    first["_user_id"] = "changed"
    second = _opened(app, value)
    assert second["_flashes"] == [("info", "one")] and second["_user_id"] == "7:secret"


def test_a_remembered_cookie_is_refused_as_a_fresh_check_would_refuse_it(app, client, login, db, monkeypatch):
    login(create_user())
    value = client.get_cookie("session").value
    assert "_user_id" in _opened(app, value)  # remembered from here on

    tampered = value[:-2] + ("A" if value[-2] != "A" else "B") + value[-1]
    assert dict(_opened(app, tampered)) == {}
    assert all(key[0] != tampered for key in app.session_interface._verified)  # refusals are not remembered

    # Older than the session's lifetime: refused even from memory.
    lifetime = app.permanent_session_lifetime.total_seconds()
    now = cookies.time.time()
    monkeypatch.setattr(cookies.time, "time", lambda: now + lifetime + 5)
    assert dict(_opened(app, value)) == {}
    monkeypatch.setattr(cookies.time, "time", lambda: now)
    assert "_user_id" in _opened(app, value)

    # Signed with a key no longer in use: checked again, and refused.
    old_key = app.secret_key
    monkeypatch.setitem(app.config, "SECRET_KEY", "another-secret-key-of-enough-length-0123456789")
    assert dict(_opened(app, value)) == {}
    # Kept as a fallback key while the new one takes over: still valid.
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [old_key])
    assert "_user_id" in _opened(app, value)


def test_a_page_still_reads_and_changes_its_session(app, client, login, db):
    """A flashed message set by one request is shown by the next and then gone, with the cookie remembered."""
    login(create_user(language="en"))
    response = client.post_form("/language", {"language": "xx", "next": "/"})
    assert response.status_code == 303
    assert "Unknown language: xx" in client.get("/").get_data(as_text=True)
    assert "Unknown language: xx" not in client.get("/").get_data(as_text=True)
    with client.session_transaction() as current:
        assert "_user_id" in current
