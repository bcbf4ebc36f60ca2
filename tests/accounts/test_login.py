import logging

import pytest

from app.core.permissions import Role
from tests.factories import DEFAULT_PASSWORD, create_user


@pytest.mark.parametrize("role", list(Role))
def test_every_role_logs_in_and_out(client, role):
    user = create_user(role)
    response = client.post_form("/login", {"email": user.email.upper(), "password": DEFAULT_PASSWORD})
    assert response.status_code == 303
    assert client.get("/profile").status_code == 200
    response = client.post_form("/logout")
    assert response.status_code == 303
    assert client.get("/profile").status_code == 302


def test_wrong_password_and_unknown_email_get_the_same_answer(client, caplog):
    user = create_user(Role.TRAINEE)
    with caplog.at_level(logging.WARNING, logger="app.accounts.services"):
        wrong = client.post_form("/login", {"email": user.email, "password": "not the password"})
        unknown = client.post_form("/login", {"email": "nobody@example.com", "password": "not the password"})
    assert wrong.status_code == unknown.status_code == 422
    for response in (wrong, unknown):
        assert "Wrong e-mail or password." in response.get_data(as_text=True)
    failures = [r.getMessage() for r in caplog.records if "failed login" in r.getMessage()]
    assert len(failures) == 2
    # The log records the attempt without the address in clear and without saying whether it exists.
    assert all(user.email not in line and "nobody@example.com" not in line for line in failures)
    assert client.get("/profile").status_code == 302


@pytest.mark.parametrize(("email", "message"), [
    ("", "Podaj adres e-mail."),
    ("not-an-address", "To nie jest prawidłowy adres e-mail."),
    ("a@b", "To nie jest prawidłowy adres e-mail."),
])
def test_bad_email_gets_a_translated_message(client, email, message):
    response = client.post_form("/login", {"email": email, "password": "x"}, headers={"Accept-Language": "pl"})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_deactivated_and_invited_accounts_cannot_log_in(client):
    inactive = create_user(Role.TRAINEE, is_active=False)
    invited = create_user(Role.TRAINEE, password=None)
    for user in (inactive, invited):
        response = client.post_form("/login", {"email": user.email, "password": DEFAULT_PASSWORD})
        assert response.status_code == 422


def test_login_is_rate_limited_with_a_translated_page(client):
    user = create_user(Role.TRAINEE)
    statuses = [client.post_form("/login", {"email": user.email, "password": "wrong password!"},
                                 headers={"Accept-Language": "lt"}).status_code for _ in range(11)]
    assert statuses[:10] == [422] * 10
    assert statuses[10] == 429
    limited = client.post_form("/login", {"email": user.email, "password": DEFAULT_PASSWORD},
                               headers={"Accept-Language": "lt"})
    assert limited.status_code == 429
    assert "Per daug bandymų" in limited.get_data(as_text=True)


def test_next_parameter_returns_to_the_page_but_never_off_site(client):
    user = create_user(Role.TRAINEE)
    response = client.post_form("/login?next=/profile", {"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.headers["Location"] == "/profile"
    client.post_form("/logout")
    response = client.post_form("/login?next=//evil.example/x", {"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.headers["Location"] == "/"


def test_logout_needs_a_post_with_csrf(client, login):
    login(create_user(Role.TRAINEE))
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/profile").status_code == 200


def test_changing_the_password_ends_other_sessions(app, client, login, db):
    user = create_user(Role.TRAINEE)
    login(user)
    other = app.test_client()
    other.post_form("/login", {"email": user.email, "password": DEFAULT_PASSWORD})
    assert other.get("/profile").status_code == 200
    response = client.post_form("/profile/password", {"pw-current_password": DEFAULT_PASSWORD,
                                                      "pw-password": "a brand new secret", "pw-confirm":
                                                      "a brand new secret"})
    assert response.status_code == 303
    assert client.get("/profile").status_code == 200
    assert other.get("/profile").status_code == 302
