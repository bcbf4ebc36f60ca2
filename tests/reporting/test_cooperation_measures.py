"""The cooperation figures as measures of the indicator engine, counted by hand on the world of
tests/cooperation/world.py (``figures_world``: five requests, see its comments), and the same numbers on the
cooperation figures page, the coordinators' dashboard and the monitoring-system export."""

from datetime import UTC, date, datetime

import pytest

from app.accounts.models import Country
from app.cooperation import figures
from app.core.permissions import Role
from app.extensions import db as _db
from app.reporting import measures, services
from app.reporting.measures import Scope
from app.reporting.models import Indicator, Measure
from tests.cooperation.world import figures_world, seeded_request
from tests.factories import create_user
from tests.factories.catalogue import get_specialisation
from tests.querycount import count_queries

C = Measure


@pytest.fixture
def world(db):
    return figures_world()


def values(scope: Scope) -> dict:
    return {m: measures.value_of(m, scope) for m in measures.COOPERATION_MEASURES}


def test_the_whole_project(world):
    assert values(Scope()) == {
        C.COOPERATION_REQUESTS_POSTED: 5, C.COOPERATION_REQUESTS_ANSWERED: 4, C.COOPERATION_REQUESTS_MATCHED: 3,
        C.COOPERATION_ORDERS_COMPLETED: 2, C.COOPERATION_RESPONSE_HOURS: 3.0,  # median of 2, 10, 4, 1
        C.COOPERATION_CROSS_BORDER_SHARE: 2 / 3, C.COOPERATION_VALUE_EUR: 150.0, C.COOPERATION_VALUE_PLN: 500.0,
        C.COOPERATION_SATISFACTION: 4.0}  # (5 + 4 + 3) / 3


def test_per_requester_country_period_specialisation_member_and_region(world):
    assert values(Scope(country=Country.LT)) == {  # r1, r3, r5
        C.COOPERATION_REQUESTS_POSTED: 3, C.COOPERATION_REQUESTS_ANSWERED: 3, C.COOPERATION_REQUESTS_MATCHED: 2,
        C.COOPERATION_ORDERS_COMPLETED: 1, C.COOPERATION_RESPONSE_HOURS: 2.0, C.COOPERATION_CROSS_BORDER_SHARE: 0.5,
        C.COOPERATION_VALUE_EUR: 150.0, C.COOPERATION_VALUE_PLN: 0.0, C.COOPERATION_SATISFACTION: 4.5}
    november = values(Scope(start=date(2026, 11, 1), end=date(2026, 11, 30)))  # r3, r4, r5
    assert [november[m] for m in (C.COOPERATION_REQUESTS_POSTED, C.COOPERATION_REQUESTS_ANSWERED,
                                  C.COOPERATION_REQUESTS_MATCHED, C.COOPERATION_ORDERS_COMPLETED,
                                  C.COOPERATION_RESPONSE_HOURS, C.COOPERATION_SATISFACTION)] == [3, 2, 1, 0, 2.5, None]
    # the end day counts whole: r2 was opened on 20 October at 08:00
    assert measures.value_of(C.COOPERATION_REQUESTS_POSTED, Scope(end=date(2026, 10, 20))) == 2
    welding = values(Scope(specialisation_id=get_specialisation("welding").id))  # r2 (TIG welding)
    assert welding[C.COOPERATION_REQUESTS_POSTED] == 1 and welding[C.COOPERATION_VALUE_PLN] == 500.0
    assert welding[C.COOPERATION_SATISFACTION] == 3.0
    cnc = values(Scope(specialisation_id=get_specialisation("cnc").id))
    assert cnc[C.COOPERATION_REQUESTS_POSTED] == 0 and cnc[C.COOPERATION_RESPONSE_HOURS] is None
    assert cnc[C.COOPERATION_CROSS_BORDER_SHARE] is None
    lt1 = world["lt1"]
    assert measures.value_of(C.COOPERATION_REQUESTS_POSTED, Scope(company=f"m{lt1.id}")) == 3
    assert measures.value_of(C.COOPERATION_REQUESTS_POSTED, Scope(company="o:Warsztat")) == 0
    assert measures.value_of(C.COOPERATION_REQUESTS_MATCHED, Scope(region="LT-AL")) == 2


def test_the_same_numbers_as_the_cooperation_figures(world):
    scope = Scope(start=date(2026, 10, 1), end=date(2026, 10, 31), country=Country.PL)
    page = figures.compute("country", figures.Filter(start=scope.start, end=scope.end, country=Country.PL))[-1]
    assert measures.cooperation(scope) == page
    assert measures.value_of(C.COOPERATION_ORDERS_COMPLETED, scope) == page.completed == 1


def test_indicators_and_the_monitoring_export(world, client, login):
    _db.session.add_all([
        Indicator(code="K1", name={"en": "Orders completed in LT"}, measure=C.COOPERATION_ORDERS_COMPLETED,
                  unit="orders", target_value=4, country=Country.LT),
        Indicator(code="K2", name={"en": "Cross-border share"}, measure=C.COOPERATION_CROSS_BORDER_SHARE,
                  unit="%", target_value=50),
        Indicator(code="K3", name={"en": "Satisfaction"}, measure=C.COOPERATION_SATISFACTION, unit="points",
                  target_value=4, period_start=date(2026, 11, 1))])
    _db.session.commit()
    _columns, rows = services.indicator_rows(services.indicator_table())
    achieved = {row[0]: row[7] for row in rows}
    assert achieved == {"K1": 1, "K2": 66.7, "K3": None}  # nothing rated among November's requests
    login(create_user(Role.COORDINATOR))
    export = client.get("/reports/export/indicators.csv").text
    assert "K1,Orders completed in LT,orders" in export and ",66.7," in export
    form = client.get("/reports/indicators/new")
    assert form.status_code == 200 and "Cross-border share of matched cooperation requests" in form.text


def test_the_dashboard_shows_the_cooperation_block_to_coordinators(world, client, login):
    login(create_user(Role.COORDINATOR))
    page = client.get("/reports/?country=LT").text
    assert 'id="table-cooperation"' in page
    assert '<th scope="row">Lithuania</th><td>3</td><td>3</td><td>2</td><td>1</td>' in page
    assert "start=" not in page.split('id="cooperation-figures-link"')[0].rsplit("<a", 1)[-1]
    assert "country=LT" in page.split('id="cooperation-figures-link"')[0].rsplit("<a", 1)[-1]
    login(create_user(Role.TRAINER))
    assert 'id="table-cooperation"' not in client.get("/reports/").text


def test_the_dashboard_does_not_query_per_request(world, client, login):
    login(create_user(Role.COORDINATOR))
    count_queries(client, "/reports/?fresh=1")
    before = count_queries(client, "/reports/?fresh=1")
    for day in range(1, 21):
        seeded_request(world["pl2" if day % 2 else "lt2"], opened=datetime(2026, 9, day, 8, tzinfo=UTC),
                       offers=[(world["lt1"], day, "10", "PLN", day % 3 == 0)], ratings=[(world["pl1"], 4)])
    assert count_queries(client, "/reports/?fresh=1") == before
