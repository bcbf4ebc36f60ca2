import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.core.permissions import Role
from tests.factories import create_user


def test_admin_changes_a_role_and_deactivates(client, login, db):
    admin = create_user(Role.ADMIN)
    person = create_user(Role.TRAINEE)
    login(admin)
    response = client.post_form(f"/admin/users/{person.id}", {"role": "coordinator", "is_active": ""})
    assert response.status_code == 303
    db.session.refresh(person)
    assert person.role == Role.COORDINATOR and not person.is_active


def test_unknown_role_is_refused_and_changes_nothing(client, login, db):
    login(create_user(Role.ADMIN, language="pl"))
    person = create_user(Role.TRAINEE)
    response = client.post_form(f"/admin/users/{person.id}", {"role": "superuser", "is_active": "y"})
    assert response.status_code == 422
    assert "Nieprawidłowy wybór." in response.get_data(as_text=True)
    db.session.refresh(person)
    assert person.role == Role.TRAINEE


def test_the_last_admin_cannot_step_down(client, login, db):
    admin = create_user(Role.ADMIN)
    login(admin)
    response = client.post_form(f"/admin/users/{admin.id}", {"role": "trainee", "is_active": "y"},
                                follow_redirects=True)
    assert "This is the last administrator" in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.role == Role.ADMIN


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.TRAINER, Role.COORDINATOR])
def test_other_roles_cannot_change_roles(client, login, db, role):
    login(create_user(role))
    person = create_user(Role.TRAINEE)
    response = client.post_form(f"/admin/users/{person.id}", {"role": "admin", "is_active": "y"})
    assert response.status_code == 403
    db.session.refresh(person)
    assert person.role == Role.TRAINEE


def test_user_list_search_and_filter(client, login):
    login(create_user(Role.ADMIN))
    create_user(Role.TRAINER, full_name="Tomas Petrauskas")
    create_user(Role.TRAINEE, full_name="Łukasz Żółkiewski")
    html = client.get("/admin/users/?q=tomas").get_data(as_text=True)
    assert "Tomas Petrauskas" in html and "Żółkiewski" not in html
    html = client.get("/admin/users/?role=trainee").get_data(as_text=True)
    assert "Żółkiewski" in html and "Tomas" not in html


def test_self_registration_is_off_by_default_and_admins_can_open_it(client, login, db):
    form = {"email": "self@example.com", "full_name": "Self Made", "country": "PL", "language": "pl",
            "timezone": "Europe/Warsaw", "company_name": "", "gender": "", "password": "a long password",
            "confirm": "a long password", "consent": "y"}
    response = client.post_form("/register", form)
    assert response.status_code == 302
    assert db.session.scalar(select(User).where(User.email == "self@example.com")) is None

    login(create_user(Role.ADMIN))
    assert client.post_form("/admin/settings", {"self_registration": "y"}).status_code == 302
    client.post_form("/logout")

    assert client.post_form("/register", form).status_code == 303
    user = db.session.scalar(select(User).where(User.email == "self@example.com"))
    assert user.role == Role.TRAINEE and user.language == "pl"


def test_registration_refuses_bad_input_and_changes_nothing(client, login, db):
    login(create_user(Role.ADMIN))
    client.post_form("/admin/settings", {"self_registration": "y"})
    client.post_form("/logout")
    existing = create_user(Role.TRAINEE)
    base = {"full_name": "X", "country": "PL", "language": "pl", "timezone": "Europe/Warsaw",
            "company_name": "", "gender": "", "password": "a long password", "confirm": "a long password",
            "consent": "y"}
    assert client.post_form("/register", {**base, "email": existing.email}).status_code == 422
    assert client.post_form("/register", {**base, "email": "tz@example.com", "timezone": "Mars/Base"}).status_code \
        == 422
    assert client.post_form("/register", {**base, "email": "lang@example.com", "language": "xx"}).status_code == 422
    count = len(db.session.scalars(select(User)).all())
    assert count == 2
