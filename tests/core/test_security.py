import re
import secrets

from app.accounts.models import User
from app.core.permissions import Role
from config import ProductionConfig
from tests.conftest import make_test_app
from tests.factories import create_user


def test_security_headers_on_every_page(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "strict-origin" in response.headers["Referrer-Policy"]


def test_pages_carry_no_inline_script_or_style(client, login):
    login(create_user(Role.ADMIN))
    for url in ["/", "/profile", "/admin/users/", "/admin/users/invite", "/admin/settings"]:
        html = client.get(url).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert " style=" not in html and "<style" not in html, url
        assert " on" + "click=" not in html, url


def test_session_cookie_flags(client, db):
    user = create_user()
    response = client.post_form("/login", {"email": user.email, "password": "correct horse battery"})
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_production_cookies_are_secure(monkeypatch, tmp_path):
    monkeypatch.setenv("MCC_DATABASE_URL", "sqlite://")
    monkeypatch.setenv("MCC_STORAGE_BACKEND", "local")
    # A key production accepts (random, unpublished) and the public address it requires.
    from tests.core.test_config import SOUND

    config = type("P", (ProductionConfig,), {**SOUND, "SECRET_KEY": secrets.token_urlsafe(48)})
    app = make_test_app("sqlite://", tmp_path)
    assert app.config["SESSION_COOKIE_SECURE"] is False  # testing
    production = __import__("app").create_app(config, SQLALCHEMY_DATABASE_URI="sqlite://", MEDIA_ROOT=tmp_path,
                                              QUEUE_URL=f"sqlite:///{tmp_path / 'queue.sqlite3'}")
    assert production.config["SESSION_COOKIE_SECURE"] is True
    assert production.config["REMEMBER_COOKIE_SECURE"] is True


def test_post_without_csrf_token_is_refused_with_a_translated_message_and_changes_nothing(client, db):
    admin = create_user(Role.ADMIN, language="lt")
    user = create_user(Role.TRAINEE)
    client.post_form("/login", {"email": admin.email, "password": "correct horse battery"})
    response = client.post(f"/admin/users/{user.id}", data={"role": "coordinator", "is_active": "y"})
    assert response.status_code == 400
    assert "Formos galiojimas baigėsi" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).role == Role.TRAINEE


def test_csrf_error_page_is_in_the_visitors_language(client, db):
    response = client.post("/login", data={"email": "x@example.com", "password": "y"},
                           headers={"Accept-Language": "lt"})
    assert response.status_code == 400
    assert "Formos galiojimas baigėsi arba ji išsiųsta ne iš šios svetainės" in response.get_data(as_text=True)
