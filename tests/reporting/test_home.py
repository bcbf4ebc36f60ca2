"""Reporting's home panels for coordinators (headline indicators, at-risk count) and the coordinator's whole home
page: what shows, who sees it, and a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

from app.accounts.models import Country
from app.core.db import utcnow
from app.core.home import home_panels
from app.core.permissions import Role
from app.extensions import db
from app.placements.models import Application, PlacementStatus
from app.reporting.home import at_risk_count, headline_figures
from app.reporting.models import Indicator, Measure
from tests.factories import create_user
from tests.factories.catalogue import create_course
from tests.factories.enrolment import enrol
from tests.factories.placements import create_company, create_placement
from tests.factories.training import create_meeting
from tests.querycount import assert_queries_do_not_grow

COORDINATOR_PANELS = {"reporting.figures", "placements.applications", "reporting.at_risk", "training.unsigned_sheets",
                      "network.employers", "network.entries", "cooperation.requests"}


def indicators():
    db.session.add(Indicator(code="W1", name={"en": "Trainees taking part", "pl": "Liczba uczestników szkoleń"},
                             measure=Measure.TRAINEES_ENROLLED, unit="persons", target_value=88, position=1))
    db.session.add(Indicator(code="W1.1", name={"en": "of whom from Lithuania"}, measure=Measure.TRAINEES_ENROLLED,
                             unit="persons", target_value=44, country=Country.LT, position=2))
    db.session.add(Indicator(code="W5", name={"en": "Internships completed"}, measure=Measure.PLACEMENTS_COMPLETED,
                             unit="persons", target_value=12, position=3))
    db.session.commit()


def test_the_headline_indicators_show_what_is_achieved_of_the_target(db):
    indicators()
    course = create_course()
    for _ in range(3):
        enrol(create_user(), course)
    create_placement(create_user(), create_company(), status=PlacementStatus.COMPLETED)
    statuses = headline_figures(create_user(Role.COORDINATOR))["indicators"]
    # The breakdown by country is not a headline figure.
    assert [(s.indicator.code, s.achieved, s.indicator.target_value) for s in statuses] == [
        ("W1", 3, 88), ("W5", 1, 12)]


def test_at_risk_counts_enrolments_and_people(db):
    course, other = create_course(), create_course()
    quiet = create_user()
    for where in (course, other):
        enrolment = enrol(quiet, where)
        enrolment.created_at = utcnow() - timedelta(days=30)  # enrolled a month ago, never active: at risk in both
    db.session.commit()
    data = at_risk_count(create_user(Role.COORDINATOR))
    assert (data["count"], data["people"]) == (2, 1)


def test_the_coordinators_home_page_shows_their_items_and_links(client, login, db):
    indicators()
    course = create_course()
    enrol(create_user(), course)
    held = create_meeting(course, starts_at=utcnow() - timedelta(days=2))
    db.session.add(Application(user=create_user(full_name="Aistė Kazlauskienė"), motivation="Noriu mokytis CNC."))
    db.session.commit()
    login(create_user(Role.COORDINATOR))
    page = client.get("/").get_data(as_text=True)
    assert "Trainees taking part" in page and "1 of 88" in page and "Internships completed" in page
    assert "Aistė Kazlauskienė" in page and 'href="/placements/matching"' in page
    assert "1 enrolment at risk" in page and 'href="/reports/at-risk"' in page
    assert f'href="/meetings/{held.id}"' in page and "1 held meeting has no scan of its signed sheet." in page


def test_each_role_sees_its_own_panels_only(client, login, db):
    trainee, trainer, mentor, coordinator, admin = (create_user(role) for role in Role)
    for person in (trainee, trainer, mentor):
        assert not COORDINATOR_PANELS & {panel.name for panel, _data in home_panels(person)}
    assert {panel.name for panel, _data in home_panels(trainer)} == {"training.trainer_meetings", "catalogue.uploads"}
    assert {panel.name for panel, _data in home_panels(coordinator)} == COORDINATOR_PANELS
    assert {panel.name for panel, _data in home_panels(admin)} == COORDINATOR_PANELS
    login(trainee)
    page = client.get("/").get_data(as_text=True)
    assert 'id="home-today"' in page
    assert not any(f'id="home-{name}"' in page for name in ("figures", "at-risk", "applications", "sheets"))


def test_the_coordinators_home_page_runs_a_fixed_number_of_queries(client, login, db):
    indicators()
    coordinator = create_user(Role.COORDINATOR)

    def grow(n):
        for _ in range(n):
            course = create_course()
            people = [create_user() for _ in range(n)]
            for person in people:
                enrol(person, course)
                db.session.add(Application(user=person, motivation="Chcę się uczyć."))
            for day in range(n):
                create_meeting(course, starts_at=utcnow() - timedelta(days=day + 1))
            create_placement(people[0], create_company(), status=PlacementStatus.COMPLETED)
        db.session.commit()

    grow(1)
    login(coordinator)
    assert_queries_do_not_grow(client, "/", grow, 4)


def test_the_figures_kept_warm_for_the_dashboard_are_used_when_there(db, monkeypatch):
    from sqlalchemy import select

    from app.reporting import services
    from app.reporting.measures import Scope
    from app.reporting.services import cache_key

    indicators()
    w1 = db.session.scalar(select(Indicator).where(Indicator.code == "W1"))

    class Warm:
        def get(self, key):
            return {w1.id: 50} if key == cache_key("home-indicators", Scope()) else None

    monkeypatch.setattr(services, "cache", Warm())
    statuses = headline_figures(create_user(Role.COORDINATOR))["indicators"]
    assert [(s.indicator.code, s.achieved) for s in statuses] == [("W1", 50), ("W5", 0)]  # W5: not cached, computed
