"""The home-page panel registry (``app.core.home``): order, visibility, hiding, anonymous visitors."""

from __future__ import annotations

import pytest

from app.core import home
from app.core.permissions import Role
from tests.factories import create_user


@pytest.fixture
def panels(monkeypatch):
    """An empty registry for the test (the app's own panels are restored after it)."""
    registry: list = []
    monkeypatch.setattr(home, "_PANELS", registry)
    return registry


class Someone:
    is_authenticated = True

    def __init__(self, role: Role):
        self.role = role


def test_panels_come_in_order_once_each_and_only_for_whom_they_are(panels):
    built = []

    def build(name):
        def do(user):
            built.append(name)
            return {"name": name}
        return do

    home.register_home_panel("b", 20, "b.html", build("b"), visible_if=home.for_trainees)
    home.register_home_panel("a", 10, "a.html", build("a"), visible_if=home.for_trainees)
    home.register_home_panel("a", 5, "other.html", build("a2"), visible_if=home.for_trainees)  # a second app: ignored
    home.register_home_panel("c", 15, "c.html", build("c"), visible_if=home.for_coordinators)
    shown = home.home_panels(Someone(Role.TRAINEE))
    assert [(panel.name, panel.template, data) for panel, data in shown] == [
        ("a", "a.html", {"name": "a"}), ("b", "b.html", {"name": "b"})]
    assert built == ["a", "b"]  # the coordinators' builder never ran for a trainee
    assert [panel.name for panel, _data in home.home_panels(Someone(Role.COORDINATOR))] == ["c"]
    assert [panel.name for panel, _data in home.home_panels(Someone(Role.ADMIN))] == ["c"]


def test_a_builder_returning_none_hides_its_panel_and_anonymous_visitors_get_none(panels):
    home.register_home_panel("never", 1, "x.html", lambda user: None, visible_if=lambda user: True)
    home.register_home_panel("empty", 2, "y.html", lambda user: {"items": []}, visible_if=lambda user: True)
    assert [panel.name for panel, _data in home.home_panels(Someone(Role.TRAINER))] == ["empty"]

    class Anonymous:
        is_authenticated = False

    assert home.home_panels(Anonymous()) == []


def test_audiences():
    assert home.for_trainees(Someone(Role.TRAINEE)) and not home.for_trainees(Someone(Role.ADMIN))
    assert home.for_trainers(Someone(Role.TRAINER)) and not home.for_trainers(Someone(Role.COORDINATOR))
    assert home.for_coordinators(Someone(Role.ADMIN)) and not home.for_coordinators(Someone(Role.TRAINER))


def test_anonymous_visitors_keep_the_welcome_page(client):
    page = client.get("/").get_data(as_text=True)
    assert "Multimedia Competence Centre" in page and 'href="/login"' in page
    assert "home-panel" not in page


def test_every_domain_panel_is_registered_with_a_template_that_exists(app):
    names = {panel.name: panel for panel in home.registered_panels()}
    assert {"training.today", "learning.continue", "learning.certificate", "training.trainer_meetings",
            "catalogue.uploads", "placements.logbook", "reporting.figures", "placements.applications",
            "reporting.at_risk", "training.unsigned_sheets"} <= set(names)
    for panel in names.values():
        app.jinja_env.get_template(panel.template)


def test_a_logged_in_person_sees_the_panels_instead_of_the_menu_tiles(client, login, db):
    login(create_user(Role.TRAINER))
    page = client.get("/").get_data(as_text=True)
    assert 'id="home-trainer-meetings"' in page and 'id="home-uploads"' in page
    assert 'class="card-list"' not in page
