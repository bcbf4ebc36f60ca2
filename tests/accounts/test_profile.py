import re

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


def test_time_zones_are_offered_by_place_in_the_readers_language(client, login, db):
    login(create_user(Role.TRAINEE, language="lt", timezone="Europe/Vilnius"))
    page = client.get("/profile").get_data(as_text=True)
    options = re.findall(r'<option([^>]*)value="([^"]+)"[^>]*>([^<]*)</option>', page)
    zones = {value: label for _attrs, value, label in options if "/" in value or value == "UTC"}
    assert re.fullmatch(r"Lenkija – Varšuva \(UTC\+0[12]:00\)", zones["Europe/Warsaw"])
    assert re.fullmatch(r"Jungtinės Valstijos – Niujorkas \(UTC-0[45]:00\)", zones["America/New_York"])
    assert list(zones)[:2] == ["Europe/Warsaw", "Europe/Vilnius"]  # the cluster's two first
    assert not [z for z in zones if z.startswith(("Etc/", "US/"))]  # aliases are not listed...
    assert all(not label.startswith(("Europe/", "America/", "Asia/")) for label in zones.values())


def test_an_alias_chosen_earlier_stays_offered_and_accepted(client, login, db):
    user = create_user(Role.TRAINEE, timezone="Poland")
    login(user)
    page = client.get("/profile").get_data(as_text=True)
    assert re.search(r'<option[^>]*selected[^>]*value="Poland"|<option[^>]*value="Poland"[^>]*selected', page)
    assert client.post_form("/profile", {**PROFILE, "timezone": "Poland"}).status_code == 303  # ...but accepted
    db.session.refresh(user)
    assert user.timezone == "Poland"
