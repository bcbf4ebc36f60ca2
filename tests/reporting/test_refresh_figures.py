"""The scheduled upkeep that keeps the project-wide figures warm in the shared cache."""

from __future__ import annotations

import pytest

from app.core.permissions import Role
from app.jobs.outbox import HANDLERS
from app.reporting import risk, services
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


def test_the_upkeep_keeps_the_home_pages_figures_warm(client, login, db, real_cache):
    world = w.build()
    HANDLERS["reporting.refresh_figures"].run({})  # as the worker does every few minutes
    _computed_at, (count, people) = real_cache.get(services.cache_key("home-at-risk", Scope()))
    assert (count, people) == risk.at_risk_counts(Scope()) and count > 0
    assert real_cache.get(services.cache_key("home-indicators", Scope())) is not None
    enrol(create_user(full_name="Late Comer"), world.courses["cnc"])
    login(create_user(Role.COORDINATOR))
    assert client.get("/").status_code == 200  # the home panels read the warm figures
    HANDLERS["reporting.refresh_figures"].run({})
    assert real_cache.get(services.cache_key("home-at-risk", Scope()))[1] == risk.at_risk_counts(Scope())
