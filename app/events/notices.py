"""What people are told about events (category "events"): their registration, the waiting list, a place that
became free, an event moved or cancelled. Reminders the day before are training's (``meeting.reminder``, with the
calendar file), sent to those with a confirmed place."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.notifications.kinds import category, register
from app.training.notices import meeting_ics

category("events", _l("Events"), "immediately")

register("event.registered", "events", _l("You are registered: %(title)s, %(starts_at)s"), _l("%(place)s."),
         attachments=(meeting_ics,))
register("event.waiting", "events", _l("You are on the waiting list: %(title)s"),
         _l("The event is full; you are number %(position)s on the waiting list. If a place becomes free, you "
            "are registered and told at once."))
register("event.moved_up", "events", _l("A place became free — you are registered: %(title)s"),
         _l("%(starts_at)s, %(place)s."), attachments=(meeting_ics,))
register("event.moved", "events", _l("Event moved: %(title)s is now on %(starts_at)s"),
         _l("%(place)s. It was planned for %(was_at)s."))
register("event.cancelled", "events", _l("Event cancelled: %(title)s on %(starts_at)s"), _l("Reason: %(reason)s"))
