from app.accounts import services
from app.core.permissions import Role
from tests.accounts.helpers import issued_in_the_past, link_in
from tests.factories import DEFAULT_PASSWORD, create_user

NEW = {"password": "new long password", "confirm": "new long password"}


def test_reset_by_emailed_link_works_once(client, sent_mail, db):
    user = create_user(Role.TRAINEE, language="pl")
    response = client.post_form("/forgot-password", {"email": user.email}, follow_redirects=True)
    assert "If an account exists" in response.get_data(as_text=True)  # the visitor's (browser's) language
    assert len(sent_mail) == 1 and sent_mail[0]["Subject"] == "Zresetuj hasło do MCC"
    link = link_in(sent_mail[0], "/reset-password/")
    assert client.post_form(link, NEW).status_code == 303
    assert client.post_form("/login", {"email": user.email, "password": "new long password"}).status_code == 303
    client.post_form("/logout")
    again = client.get(link)  # the page keeps the language the person used (Polish)
    assert again.status_code == 400
    assert "Ten link do resetowania hasła został już użyty" in again.get_data(as_text=True)


def test_unknown_address_gets_the_same_answer_and_no_mail(client, sent_mail):
    known = create_user(Role.TRAINEE)
    a = client.post_form("/forgot-password", {"email": known.email}, follow_redirects=True).get_data(as_text=True)
    b = client.post_form("/forgot-password", {"email": "ghost@example.com"}, follow_redirects=True) \
        .get_data(as_text=True)
    message = "If an account exists for this address, we have sent it a link to reset the password."
    assert message in a and message in b
    assert [m["To"] for m in sent_mail] == [known.email]


def test_expired_or_tampered_reset_links_are_refused_and_change_nothing(client, monkeypatch, db):
    user = create_user(Role.TRAINEE)
    with issued_in_the_past(monkeypatch, 3 * 3600):
        expired = services.password_reset_token(user)
    response = client.post_form(f"/reset-password/{expired}", NEW, headers={"Accept-Language": "lt"})
    assert response.status_code == 400
    assert "Slaptažodžio atkūrimo nuorodos galiojimas baigėsi" in response.get_data(as_text=True)
    tampered = services.password_reset_token(user)[:-2] + "xx"
    assert client.post_form(f"/reset-password/{tampered}", NEW).status_code == 400
    assert client.post_form("/login", {"email": user.email, "password": DEFAULT_PASSWORD}).status_code == 303


def test_an_invitation_token_is_no_reset_token(client, db):
    admin = create_user(Role.ADMIN)
    from app.accounts.models import Country

    invitation = services.invite_user("mix@example.com", "Mix", Role.TRAINEE, "en", Country.PL, admin)
    db.session.commit()
    token = services.invitation_token(invitation)
    assert client.get(f"/reset-password/{token}").status_code == 400
