from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from app.accounts import services
from app.accounts.models import Invitation, User
from app.core.permissions import Role
from tests.accounts.helpers import issued_in_the_past, link_in
from tests.factories import create_user

PROFILE = {"full_name": "Rūta Žemaitė", "country": "LT", "language": "lt", "timezone": "Europe/Vilnius",
           "company_name": "UAB Alytaus metalas", "gender": "", "consent": "y"}


def invite(client, login, sent_mail, email="new.person@example.com", role="trainer", language="lt"):
    """An admin (in a browser of their own) invites someone; returns the link from the e-mail."""
    admin = create_user(Role.ADMIN)
    admin_browser = client.application.test_client()
    admin_browser.post_form("/login", {"email": admin.email, "password": "correct horse battery"})
    response = admin_browser.post_form("/admin/users/invite", {"email": email, "full_name": "Rūta Žemaitė",
                                                               "role": role, "language": language, "country": "LT"})
    assert response.status_code == 303
    return link_in(sent_mail[-1], "/invitation/")


def test_admin_invites_and_the_person_activates_the_account(client, login, sent_mail, db):
    link = invite(client, login, sent_mail)
    assert sent_mail[-1]["To"] == "new.person@example.com"
    assert "Kvietimas" in sent_mail[-1]["Subject"]  # in the invitation's language
    page = client.get(link)
    assert page.status_code == 200 and "Rūta Žemaitė" in page.get_data(as_text=True)
    response = client.post_form(link, {**PROFILE, "password": "a long secret phrase",
                                       "confirm": "a long secret phrase"})
    assert response.status_code == 303
    user = db.session.scalar(select(User).where(User.email == "new.person@example.com"))
    assert user.role == Role.TRAINER and user.can_log_in and user.company_name == "UAB Alytaus metalas"
    client.post_form("/logout")
    assert client.post_form("/login", {"email": "new.person@example.com",
                                       "password": "a long secret phrase"}).status_code == 303


def test_an_invitation_link_works_once(client, login, sent_mail):
    link = invite(client, login, sent_mail)
    client.post_form(link, {**PROFILE, "password": "a long secret phrase", "confirm": "a long secret phrase"})
    client.post_form("/logout")
    again = client.get(link)
    assert again.status_code == 400
    assert "Šis kvietimas jau panaudotas." in again.get_data(as_text=True)


def test_expired_invitation_is_refused(client, login, sent_mail, monkeypatch, db):
    admin = create_user(Role.ADMIN)
    invitation = services.invite_user("late@example.com", "Late Person", Role.TRAINEE, "pl",
                                      __import__("app.accounts.models", fromlist=["Country"]).Country.PL, admin)
    db.session.commit()
    with issued_in_the_past(monkeypatch, 8 * 86400):
        token = services.invitation_token(invitation)
    response = client.get(f"/invitation/{token}", headers={"Accept-Language": "pl"})
    assert response.status_code == 400
    assert "Link z zaproszeniem wygasł" in response.get_data(as_text=True)


def test_tampered_invitation_is_refused_and_changes_nothing(client, login, sent_mail, db):
    link = invite(client, login, sent_mail)
    tampered = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    response = client.post_form(tampered, {**PROFILE, "password": "a long secret phrase",
                                           "confirm": "a long secret phrase"}, headers={"Accept-Language": "lt"})
    assert response.status_code == 400
    assert "Kvietimo nuoroda netinkama" in response.get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.email == "new.person@example.com"))
    assert user.password_hash is None


def test_activation_with_bad_password_shows_errors_and_changes_nothing(client, login, sent_mail, db):
    link = invite(client, login, sent_mail)
    response = client.post_form(link, {**PROFILE, "password": "short", "confirm": "short"})
    assert response.status_code == 422
    assert "Slaptažodį turi sudaryti bent 10 simbolių." in response.get_data(as_text=True)
    response = client.post_form(link, {**PROFILE, "password": "a long secret phrase", "confirm": "different one!"})
    assert "Slaptažodžiai nesutampa." in response.get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.email == "new.person@example.com"))
    assert user.password_hash is None


def test_inviting_an_existing_email_is_refused(client, login, sent_mail, db):
    existing = create_user(Role.TRAINEE)
    login(create_user(Role.ADMIN))
    response = client.post_form("/admin/users/invite", {"email": existing.email.upper(), "full_name": "X",
                                                        "role": "trainee", "language": "en", "country": "PL"})
    assert response.status_code == 422
    assert "An account with this e-mail already exists." in response.get_data(as_text=True)
    assert sent_mail == []


def test_a_renewed_invitation_replaces_the_old_link(client, login, sent_mail, db):
    old_link = invite(client, login, sent_mail, email="renew@example.com")
    user = db.session.scalar(select(User).where(User.email == "renew@example.com"))
    login(create_user(Role.ADMIN))
    assert client.post_form(f"/admin/users/{user.id}/resend-invitation",
                            {"resend-csrf_token": client.csrf_token()}).status_code == 303
    new_link = link_in(sent_mail[-1], "/invitation/")
    client.post_form("/logout")
    assert client.get(old_link).status_code == 400
    assert client.get(new_link).status_code == 200


def test_only_admins_invite(client, login, sent_mail, db):
    for role in (Role.TRAINEE, Role.TRAINER, Role.COORDINATOR):
        login(create_user(role))
        response = client.post_form("/admin/users/invite", {"email": "x@example.com", "full_name": "X",
                                                            "role": "admin", "language": "en", "country": "PL"})
        assert response.status_code == 403
        client.post_form("/logout")
    assert client.get("/admin/users/invite").status_code == 302
    assert sent_mail == []
    assert db.session.scalar(select(User).where(User.email == "x@example.com")) is None


def test_only_admins_resend_invitations(client, login, sent_mail, db):
    invited = create_user(Role.TRAINEE, password=None)
    for role in (Role.TRAINEE, Role.TRAINER, Role.COORDINATOR):
        login(create_user(role))
        response = client.post_form(f"/admin/users/{invited.id}/resend-invitation",
                                    {"resend-csrf_token": client.csrf_token()})
        assert response.status_code == 403
        client.post_form("/logout")
    assert sent_mail == []
    assert db.session.scalar(select(func.count()).select_from(Invitation)
                             .where(Invitation.user_id == invited.id)) == 0


def test_no_invitation_is_mailed_when_it_was_not_saved(client, login, sent_mail, db, monkeypatch):
    login(create_user(Role.ADMIN))

    def database_gone(*args, **kwargs):
        raise OperationalError("COMMIT", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(db.session, "commit", database_gone)
    response = client.post_form("/admin/users/invite", {"email": "lost@example.com", "full_name": "Lost Person",
                                                        "role": "trainee", "language": "en", "country": "PL"})
    monkeypatch.undo()
    assert response.status_code == 503
    assert sent_mail == []  # the mail goes out only after the commit: no link to an invitation that does not exist
    assert db.session.scalar(select(User).where(User.email == "lost@example.com")) is None
