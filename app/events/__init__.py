"""Events outside courses: study visits, fairs, community gatherings, cluster meetings — public or members-only,
with registration under capacity and a waiting list. Each event owns a course-less training meeting
(``app.training.hosts``), so attendance, check-in, sheets, evidence packs, reminders and calendars are training's."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.navigation import register_nav

bp = Blueprint("events", __name__, url_prefix="/events")


def blueprints():
    from app.events import routes  # noqa: F401  (register the views)

    return [bp]


def init_app(app):
    from app.core.home import register_home_panel
    from app.core.sections import register_section
    from app.events import demo, notices  # noqa: F401  (demo step, notification kinds)
    from app.events.front import my_events_panel, upcoming_events
    from app.events.hosting import EVENT_HOST
    from app.events.services import photo_references
    from app.storage.references import register_reference_source
    from app.training.hosts import register_meeting_host

    register_meeting_host(EVENT_HOST)
    register_reference_source("event_photos", photo_references)
    register_section("core.front", "events.upcoming", 5, "events/_front_upcoming.html", upcoming_events)
    register_home_panel("events.mine", 30, "events/_home_mine.html", my_events_panel,
                        visible_if=lambda user: bool(getattr(user, "is_authenticated", False)))
    register_nav("events.index", _l("Events"), 55)
