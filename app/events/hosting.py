"""An event's meeting as training sees it (``app.training.hosts``): who belongs to it, who runs it, who sees it,
how it is named and where it is described."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from app.accounts.models import User
from app.core.urls import path_for
from app.events.models import Event, EventRegistration, RegistrationStatus
from app.events.policies import can_manage_event, can_see_event
from app.extensions import db
from app.training.hosts import MeetingHost
from app.training.models import Attendance, TrainingSession


def event_of(meeting: TrainingSession) -> Event | None:
    """The meeting's event (loaded once per meeting through the backref ``TrainingSession.event``)."""
    return getattr(meeting, "event", None)


def _owns(meeting: TrainingSession) -> bool:
    return event_of(meeting) is not None


def _member_ids(meeting: TrainingSession) -> set[int]:
    """Those with a confirmed place, and anyone already marked there (a cancellation keeps what was recorded)."""
    confirmed = select(EventRegistration.user_id).join(Event).where(
        Event.meeting_id == meeting.id, EventRegistration.status == RegistrationStatus.CONFIRMED)
    marked = select(Attendance.user_id).where(Attendance.session_id == meeting.id)
    return set(db.session.scalars(confirmed.union(marked)))


def _participants(meeting: TrainingSession) -> list[User]:
    return list(db.session.scalars(select(User).join(EventRegistration, EventRegistration.user_id == User.id)
                                   .join(Event).where(Event.meeting_id == meeting.id,
                                                      EventRegistration.status == RegistrationStatus.CONFIRMED)
                                   .order_by(User.id)))


def _runs(user: Any, meeting: TrainingSession) -> bool:
    event = event_of(meeting)
    return bool(event and can_manage_event(user, event))


def _sees(user: Any, meeting: TrainingSession) -> bool:
    """The meeting's own page (check-in, own attendance): those with a place there, and its organisers."""
    if not getattr(user, "is_authenticated", False):
        return False
    event = event_of(meeting)
    return bool(event and can_see_event(user, event) and user.id in _member_ids(meeting))


def _heading(meeting: TrainingSession) -> dict:
    event = event_of(meeting)
    return event.title if event else {}


def _source_language(meeting: TrainingSession) -> str:
    event = event_of(meeting)
    return event.source_language if event else meeting.language


def _link(meeting: TrainingSession) -> str:
    event = event_of(meeting)
    return path_for("events.show", event_id=event.id) if event else path_for("training.meeting",
                                                                              meeting_id=meeting.id)


def _meeting_ids_of(user_id: int) -> Select:
    return select(Event.meeting_id).join(EventRegistration).where(
        EventRegistration.user_id == user_id, EventRegistration.status == RegistrationStatus.CONFIRMED)


EVENT_HOST = MeetingHost(name="events", owns=_owns, member_ids=_member_ids, participants=_participants,
                         runs=_runs, sees=_sees, heading=_heading, source_language=_source_language, link=_link,
                         meeting_ids_of=_meeting_ids_of)
