"""Each role reaches what it may; everything else is 403, or the login page for anonymous visitors."""

import pytest

from app.core.permissions import Role
from tests.factories import create_user

ALL = set(Role)
#: url -> roles allowed (admins are allowed everything)
PAGES = {
    "/": None,  # public
    "/profile": ALL,
    "/admin/users/": {Role.ADMIN},
    "/admin/users/invite": {Role.ADMIN},
    "/admin/settings": {Role.ADMIN},
}


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitors_are_sent_to_login_for_private_pages(client, url):
    response = client.get(url)
    if PAGES[url] is None:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("url", PAGES)
def test_roles_reach_what_they_may_and_get_403_for_the_rest(client, login, role, url):
    login(create_user(role))
    allowed = PAGES[url] is None or role in PAGES[url]
    assert client.get(url).status_code == (200 if allowed else 403)


def test_admin_user_page_for_someone_else_and_404_for_nobody(client, login):
    login(create_user(Role.ADMIN))
    other = create_user(Role.TRAINEE)
    assert client.get(f"/admin/users/{other.id}").status_code == 200
    assert client.get("/admin/users/999999").status_code == 404


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.TRAINER, Role.COORDINATOR])
def test_only_admins_change_site_settings(client, login, db, role):
    from app.core import settings

    login(create_user(role))
    assert client.post_form("/admin/settings", {"self_registration": "y"}).status_code == 403
    db.session.expire_all()
    assert settings.self_registration_enabled() is False
