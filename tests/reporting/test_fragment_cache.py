"""The dashboard and the at-risk list keep their rendered HTML per selection, viewer's reach, language and page —
never one person's view for another — in the app's cache (a per-process SimpleCache here, and the real Redis)."""

from __future__ import annotations

import uuid

import pytest

from app.core.permissions import Role
from tests.factories import create_user
from tests.factories.enrolment import enrol
from tests.jobs.conftest import REDIS_URL, redis_available
from tests.reporting import world as w

BACKENDS = ["simple", "redis"] if redis_available() else ["simple"]


@pytest.fixture(params=BACKENDS)
def cache_backend(request, app):
    from app.extensions import cache

    prefix = f"mcc-test-{uuid.uuid4().hex[:10]}:"
    config = {"CACHE_TYPE": "SimpleCache"} if request.param == "simple" else \
        {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": REDIS_URL, "CACHE_KEY_PREFIX": prefix}
    cache.init_app(app, config=config)
    yield cache
    cache.clear()  # a RedisCache clears only its own prefix
    cache.init_app(app, config={"CACHE_TYPE": "NullCache"})


def test_the_dashboard_is_kept_per_viewers_reach_and_language(client, login, db, cache_backend):
    from app.reporting.demo import seed_demo_indicators

    world = w.build()
    seed_demo_indicators()
    db.session.commit()
    coordinator = create_user(Role.COORDINATOR, language="en")
    login(coordinator)
    mine = client.get("/reports/").get_data(as_text=True)
    assert 'id="total-enrolled">3<' in mine and "Project indicators" in mine and "By specialisation" in mine
    login(world.trainer)  # the welding trainer: own courses only, never the coordinator's page
    theirs = client.get("/reports/").get_data(as_text=True)
    assert 'id="total-enrolled">2<' in theirs and "Project indicators" not in theirs
    login(world.other_trainer)
    assert 'id="total-enrolled">2<' in client.get("/reports/").get_data(as_text=True)  # łukasz and jonas (cnc)
    polish = create_user(Role.COORDINATOR, language="pl")
    login(polish)
    page = client.get("/reports/").get_data(as_text=True)
    assert "Według specjalizacji" in page and "By specialisation" not in page  # in the reader's language
    # a filtered view is another entry, with links carrying its filters
    narrowed = client.get("/reports/?country=LT").get_data(as_text=True)
    assert 'id="total-enrolled">2<' in narrowed and "country=LT" in narrowed


def test_the_dashboard_shows_its_copy_until_recomputed(client, login, db, cache_backend):
    world = w.build()
    login(create_user(Role.COORDINATOR))
    assert 'id="total-enrolled">3<' in client.get("/reports/").get_data(as_text=True)
    enrol(create_user(full_name="Late Comer"), world.courses["cnc"])
    page = client.get("/reports/").get_data(as_text=True)
    assert 'id="total-enrolled">3<' in page and "Recompute now" in page and 'id="computed-at"' in page
    assert 'id="total-enrolled">4<' in client.get("/reports/?fresh=1").get_data(as_text=True)
    assert 'id="total-enrolled">4<' in client.get("/reports/").get_data(as_text=True)


def test_the_at_risk_list_is_kept_per_page_and_reach(client, login, db, cache_backend):
    world = w.build()
    login(create_user(Role.COORDINATOR, language="en"))
    everyone = client.get("/reports/at-risk").get_data(as_text=True)
    assert "Jonas" in everyone or "Gražina" in everyone
    login(world.trainer)  # welding only: nobody of the cnc course
    own = client.get("/reports/at-risk").get_data(as_text=True)
    assert "Jonas" not in own
    assert client.get("/reports/at-risk?page=999").status_code == 200  # past the end: an empty page
    for page in ("-3", "abc", "99999999999999999999"):
        assert client.get(f"/reports/at-risk?page={page}").status_code < 500


def test_the_filter_form_is_kept_per_query_string_reach_and_language(client, login, db, cache_backend):
    """The form (hundreds of employers) is rendered once per query string, reach and language: the values typed
    and their errors come back as typed, a trainer never gets the coordinator's employer list."""
    world = w.build()
    login(create_user(Role.COORDINATOR, language="en"))
    page = client.get("/reports/?start=2026-13-01").get_data(as_text=True)
    assert 'value="2026-13-01"' in page and "Not a valid date value." in page
    again = client.get("/reports/?start=2026-13-01").get_data(as_text=True)
    assert 'value="2026-13-01"' in again and "Not a valid date value." in again
    other = client.get("/reports/?country=LT").get_data(as_text=True)
    assert 'value="2026-13-01"' not in other and "Not a valid date value." not in other
    assert '<option selected value="LT">' in other
    login(create_user(Role.COORDINATOR, language="lt"))
    assert "Filtruoti" in client.get("/reports/?country=LT").get_data(as_text=True)
    coordinators = client.get("/reports/at-risk").get_data(as_text=True).count("<option")
    login(world.trainer)  # own courses only: fewer employers to choose from
    assert client.get("/reports/at-risk").get_data(as_text=True).count("<option") < coordinators
