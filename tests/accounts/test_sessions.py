"""Logins live on the server: logging out ends a copied session or remember-me cookie, "log out everywhere" and a
password change end the other browsers, and the profile lists (and ends) the person's logins."""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.models import UserSession
from app.core.permissions import Role
from tests.factories import create_user

PASSWORD = "correct horse battery"


def second_browser(app, cookies: dict[str, str]):
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other


def logged_in(client) -> bool:
    response = client.get("/profile")
    return response.status_code == 200


def cookies_of(client, *names: str) -> dict[str, str]:
    return {name: client.get_cookie(name).value for name in names if client.get_cookie(name) is not None}


def test_a_copied_session_cookie_stops_working_after_logout(app, client, login, db):
    login(create_user(Role.TRAINEE))
    stolen = second_browser(app, cookies_of(client, "session"))
    assert logged_in(stolen)
    client.post_form("/logout")
    assert not logged_in(stolen)


def test_a_copied_remember_me_cookie_stops_working_after_logout(app, client, db):
    user = create_user(Role.TRAINEE)
    response = client.post_form("/login", {"email": user.email, "password": PASSWORD, "remember": "y"})
    assert response.status_code == 303
    remembered = cookies_of(client, "remember_token")
    assert remembered, "the login set no remember-me cookie"
    year_later = second_browser(app, remembered)  # no session cookie: only the remember-me one
    assert logged_in(year_later)
    client.post_form("/logout")
    assert not logged_in(second_browser(app, remembered))


def test_log_out_everywhere_ends_every_browser(app, client, login, db):
    user = create_user(Role.TRAINER)
    phone = app.test_client()
    phone.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": _token(phone)})
    assert logged_in(phone)
    login(user)
    response = client.post_form("/profile/sessions/end-all")
    assert response.status_code == 303 and response.location.endswith("/login")
    assert not logged_in(phone) and not logged_in(client)
    assert db.session.scalar(select(func.count()).select_from(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None))) == 0


def test_a_new_password_ends_the_other_browsers_but_not_this_one(app, client, login, db):
    user = create_user(Role.TRAINEE)
    phone = app.test_client()
    phone.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": _token(phone)})
    login(user)
    response = client.post_form("/profile/password", {"pw-current_password": PASSWORD,
                                                      "pw-password": "a much longer new one 42",
                                                      "pw-confirm": "a much longer new one 42"})
    assert response.status_code == 303, response.get_data(as_text=True)
    assert logged_in(client) and not logged_in(phone)


def test_the_profile_lists_logins_and_ends_another_one(app, client, login, db):
    user = create_user(Role.TRAINEE)
    phone = app.test_client()
    phone.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": _token(phone)},
               headers={"User-Agent": "Mozilla/5.0 (Linux; Android 14) Mobile"})
    login(user)
    page = client.get("/profile").get_data(as_text=True)
    assert "Android 14" in page and "this browser" in page
    phone_login = db.session.scalar(select(UserSession).where(UserSession.user_agent.contains("Android")))
    assert client.post_form(f"/profile/sessions/{phone_login.id}/end").status_code == 303
    assert not logged_in(phone) and logged_in(client)


def test_nobody_ends_someone_elses_login(app, client, login, db):
    owner, other = create_user(Role.TRAINEE), create_user(Role.TRAINEE)
    browser = app.test_client()
    browser.post("/login", data={"email": owner.email, "password": PASSWORD, "csrf_token": _token(browser)})
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == owner.id))
    login(other)
    assert client.post_form(f"/profile/sessions/{row.id}/end").status_code == 404
    db.session.expire_all()
    assert db.session.get(UserSession, row.id).revoked_at is None and logged_in(browser)


def test_a_deactivated_account_is_logged_out_everywhere(app, client, login, db):
    user = create_user(Role.TRAINEE)
    browser = app.test_client()
    browser.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": _token(browser)})
    assert logged_in(browser)
    login(create_user(Role.ADMIN))
    response = client.post_form(f"/admin/users/{user.id}", {"role": "trainee", "is_active": ""})
    assert response.status_code in (303, 200)
    assert not logged_in(browser)


def _token(client) -> str:
    import re

    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").get_data(as_text=True))
    return match.group(1)


def test_only_writing_requests_refresh_when_a_login_was_last_seen(client, login, db):
    """A reading page never writes the login row: an UPDATE there would be rolled back at the end anyway, yet hold
    the row's lock meanwhile (every tab of the login queues on it) and, on SQLite, be refused the write lock."""
    from datetime import timedelta

    from sqlalchemy import event

    from app.core.db import utcnow

    user = create_user(Role.TRAINEE)
    login(user)
    long_ago = utcnow() - timedelta(hours=1)
    db.session.execute(UserSession.__table__.update().values(last_seen_at=long_ago))
    db.session.commit()
    writes: list[str] = []

    def record(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE")):
            writes.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get("/profile").status_code == 200
        assert client.get("/").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert not [w for w in writes if "user_sessions" in w]
    client.post_form("/notifications/read-all")  # a writing request refreshes it
    db.session.expire_all()
    seen = db.session.scalar(select(UserSession.last_seen_at).where(UserSession.user_id == user.id))
    assert seen is not None and seen.replace(tzinfo=None) > long_ago.replace(tzinfo=None)


def test_a_login_counts_only_for_the_person_it_belongs_to(app, client, login, db):
    """The login is found by its secret alone (its unique index, however many logins a person had): a session that
    names another person with that secret logs nobody in, on the pages that load the person alone (the profile)
    and on those that load the person with the page's rows (the trainee dashboard)."""
    owner = create_user(Role.TRAINEE)
    other = create_user(Role.TRAINEE)
    login(owner)
    with client.session_transaction() as session:
        token = session["_user_id"].partition(":")[2]
        session["_user_id"] = f"{other.id}:{token}"
    assert not logged_in(client)
    assert client.get("/learning/").status_code == 302  # to the login page
    with client.session_transaction() as session:
        session["_user_id"] = f"{owner.id}:{token}"
    assert logged_in(client)
    assert client.get("/learning/").status_code == 200
