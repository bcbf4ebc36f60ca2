from app.accounts.models import Country, Gender
from app.core.permissions import Role
from tests.factories import create_user

PROFILE = {"full_name": "Gražina Šimkutė", "country": "LT", "language": "lt", "timezone": "Europe/Vilnius",
           "company_name": "UAB Marijampolės metalas", "gender": "female"}


def test_user_edits_their_profile(client, login, db):
    user = create_user(Role.TRAINEE)
    login(user)
    assert client.post_form("/profile", PROFILE).status_code == 303
    db.session.refresh(user)
    assert (user.full_name, user.country, user.language, user.timezone, user.gender) == \
        ("Gražina Šimkutė", Country.LT, "lt", "Europe/Vilnius", Gender.FEMALE)
    page = client.get("/profile").get_data(as_text=True)
    assert "Asmens duomenys" in page


def test_gender_is_optional(client, login, db):
    user = create_user(Role.TRAINEE, gender=Gender.MALE)
    login(user)
    assert client.post_form("/profile", {**PROFILE, "gender": ""}).status_code == 303
    db.session.refresh(user)
    assert user.gender is None


def test_bad_profile_input_changes_nothing(client, login, db):
    user = create_user(Role.TRAINEE, full_name="Original Name")
    login(user)
    for bad in ({"full_name": ""}, {"timezone": "Europe/Atlantis"}, {"country": "DE"}, {"gender": "robot"}):
        assert client.post_form("/profile", {**PROFILE, **bad}).status_code == 422
    db.session.refresh(user)
    assert user.full_name == "Original Name" and user.country == Country.PL


def test_wrong_current_password_is_refused(client, login):
    login(create_user(Role.TRAINEE, language="pl"))
    response = client.post_form("/profile/password", {"pw-current_password": "nope nope nope",
                                                      "pw-password": "another long one", "pw-confirm":
                                                      "another long one"})
    assert response.status_code == 422
    assert "Obecne hasło jest nieprawidłowe." in response.get_data(as_text=True)
