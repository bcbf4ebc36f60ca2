"""What people are told about meetings (category "meetings") and check-ins (category "checkin", in MCC only),
the hourly job reminding participants the day before, and the reminder's calendar file."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.extensions import db
from app.jobs.outbox import handler
from app.jobs.schedule import every
from app.notifications.kinds import register
from app.training.calendar import meeting_calendar
from app.training.models import TrainingSession
from app.training.services import remind_of_meetings


def meeting_ics(notification) -> dict | None:
    """The meeting as a one-event .ics (as it is when the mail leaves: a later move is a new notification)."""
    meeting = db.session.get(TrainingSession, (notification.params or {}).get("meeting"))
    user = db.session.get(User, notification.user_id)
    if meeting is None or user is None:
        return None
    return {"filename": f"mcc-meeting-{meeting.id}.ics", "content_type": "text/calendar; charset=utf-8",
            "text": meeting_calendar(meeting, user, current_app.config.get("BASE_URL")).decode()}


register("meeting.planned", "meetings", _l("New meeting of %(course)s: %(starts_at)s"),
         _l("%(title)s, %(place)s"))
register("meeting.moved", "meetings", _l("Meeting moved: %(title)s is now on %(starts_at)s"),
         _l("%(course)s, %(place)s. It was planned for %(was_at)s."))
register("meeting.cancelled", "meetings", _l("Meeting cancelled: %(title)s on %(starts_at)s"),
         _l("%(course)s. Reason: %(reason)s"))
register("meeting.reminder", "meetings", _l("Reminder: %(title)s, %(starts_at)s"),
         _l("%(course)s, %(place)s."),
         attachments=(meeting_ics,))
register("checkin.confirmed", "checkin", _l("Check-in confirmed: %(title)s"),
         _l("You are marked present at the meeting of %(course)s on %(starts_at)s."))


@handler("training.meeting_reminders")
def _remind(payload: dict) -> None:
    remind_of_meetings()


every("training.meeting_reminders", "training.meeting_reminders", minute=20)
