"""The events list, the front page and the home page run as many statements with more events."""

from app.core.permissions import Role
from app.events import services
from tests.events.helpers import create_event
from tests.factories import create_user
from tests.querycount import assert_queries_do_not_grow


def test_lists_do_not_grow_with_events(client, login, db):
    coordinator, person = create_user(Role.COORDINATOR), create_user()

    def grow(times):
        for _ in range(times):
            services.register(person, create_event(coordinator, capacity=None))
        db.session.commit()

    grow(1)
    assert_queries_do_not_grow(client, "/", grow, 3)  # the front page: the coming events
    assert_queries_do_not_grow(client, "/events/", grow, 3)
    login(person)
    assert_queries_do_not_grow(client, "/", grow, 3)  # the home page: "My events"
