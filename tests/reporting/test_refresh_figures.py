"""The scheduled upkeep that keeps the project-wide figures warm in the shared cache."""

from __future__ import annotations

import pytest

from app.core.permissions import Role
from app.jobs.outbox import HANDLERS
from app.reporting import services
from app.reporting.measures import Scope
from tests.factories import create_user
from tests.factories.enrolment import enrol
from tests.reporting import world as w


@pytest.fixture
def real_cache(app):
    from app.extensions import cache

    cache.init_app(app, config={"CACHE_TYPE": "SimpleCache"})
    yield cache
    cache.clear()
    cache.init_app(app, config={"CACHE_TYPE": "NullCache"})


def test_the_coordinators_dashboard_and_at_risk_list_come_from_the_refreshed_cache(client, login, db, real_cache):
    world = w.build()
    HANDLERS["reporting.refresh_figures"].run({})  # as the worker does every few minutes
    assert real_cache.get(services.cache_key("dashboard", Scope(), True)).totals["enrolled"] == 3
    assert real_cache.get(services.cache_key("at-risk", Scope())) is not None
    enrol(create_user(full_name="Late Comer"), world.courses["cnc"])
    login(create_user(Role.COORDINATOR))
    assert 'id="total-enrolled">3<' in client.get("/reports/").get_data(as_text=True)  # no computing on the spot
    HANDLERS["reporting.refresh_figures"].run({})
    assert 'id="total-enrolled">4<' in client.get("/reports/").get_data(as_text=True)
