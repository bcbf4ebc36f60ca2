from datetime import UTC, datetime

import pytest
from flask_babel import format_datetime

from app.core.i18n import select_timezone
from app.core.i18n_catalogues import missing_translations
from app.core.permissions import Role
from tests.factories import create_user


def test_every_ui_string_has_a_polish_and_a_lithuanian_translation():
    missing = missing_translations()
    assert missing == [], "untranslated strings:\n" + "\n".join(missing)


@pytest.mark.parametrize(("header", "expected"), [("lt", "lt"), ("pl-PL,pl;q=0.9", "pl"), ("de", "en"),
                                                  ("en-GB", "en")])
def test_anonymous_visitors_get_their_browsers_language(client, header, expected):
    html = client.get("/login", headers={"Accept-Language": header}).get_data(as_text=True)
    assert f'<html lang="{expected}">' in html


def test_switcher_beats_the_browser_and_the_users_preference_beats_both(client, login):
    assert "Prisijungti" in client.get("/login", headers={"Accept-Language": "lt"}).get_data(as_text=True)
    client.post_form("/language", {"language": "pl", "next": "/login"}, headers={"Accept-Language": "lt"})
    assert "Zaloguj się" in client.get("/login", headers={"Accept-Language": "lt"}).get_data(as_text=True)
    user = create_user(Role.TRAINEE, language="lt")
    login(user)
    assert '<html lang="lt">' in client.get("/profile").get_data(as_text=True)


def test_a_logged_in_switch_is_remembered_as_the_users_preference(client, login, db):
    user = create_user(Role.TRAINEE, language="pl")
    login(user)
    response = client.post_form("/language", {"language": "lt", "next": "/profile"})
    assert response.status_code == 303 and response.headers["Location"] == "/profile"
    db.session.refresh(user)
    assert user.language == "lt"


def test_unknown_language_code_is_refused_with_a_message_and_changes_nothing(client, login, db):
    user = create_user(Role.TRAINEE, language="pl")
    login(user)
    response = client.post_form("/language", {"language": "de", "next": "/profile"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Nieznany język: de. Wybierz polski, litewski lub angielski." in html
    db.session.refresh(user)
    assert user.language == "pl"


def test_switcher_never_redirects_off_site(client):
    response = client.post_form("/language", {"language": "en", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_times_are_shown_in_the_viewers_zone(app):
    meeting = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)  # 09:00 in Warsaw, 10:00 in Vilnius
    with app.test_request_context(headers={"Accept-Language": "lt"}):
        assert select_timezone() == "Europe/Vilnius"
        assert "10:00" in format_datetime(meeting, "short")
    with app.test_request_context(headers={"Accept-Language": "pl"}):
        assert select_timezone() == "Europe/Warsaw"
        assert "09:00" in format_datetime(meeting, "short")


def test_users_zone_beats_the_language_default(client, login, db):
    user = create_user(Role.TRAINEE, language="pl", timezone="Europe/Vilnius")
    login(user)
    html = client.get("/profile").get_data(as_text=True)
    assert "Europe/Vilnius" in html  # the footer names the zone times are shown in


@pytest.mark.parametrize(("language", "sizes"), [
    ("pl", ["512 B", "47 kB", "1,5 MB", "2 GB"]),
    ("lt", ["512 B", "47 kB", "1,5 MB", "2 GB"]),
    ("en", ["512 B", "47 kB", "1.5 MB", "2 GB"]),
])
def test_file_sizes_read_in_the_readers_language(app, language, sizes):
    """A 47 KB file used to read "0.0 MB"; decimals follow the language."""
    from flask_babel import force_locale

    from app.core.templating import format_file_size

    with app.test_request_context(), force_locale(language):
        shown = [format_file_size(size) for size in (512, 47 * 1024, 1536 * 1024, 2 * 1024**3)]
    assert [s.replace("\xa0", " ") for s in shown] == sizes


@pytest.mark.parametrize(("language", "shown"), [
    ("pl", "4 gru 2026, 08:00"), ("lt", "2026-12-04 08:00"), ("en", "Dec 4, 2026, 8:00 AM")])
def test_times_are_shown_to_the_minute(app, language, shown):
    """Meetings read "08:00:00–14:00" (CLDR's medium time has seconds)."""
    from flask import render_template_string
    from flask_babel import force_locale

    with app.test_request_context(), force_locale(language):
        text = render_template_string("{{ when|datetime }}", when=datetime(2026, 12, 4, 7, 0, tzinfo=UTC))
    assert text.replace("\u202f", " ") == shown
