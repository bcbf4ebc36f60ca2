"""Events: planning them, registration under capacity with a waiting list, cancellations and moving up, photos,
and turning an event into a bulletin post.

Registration holds under concurrent requests: the event's row is locked (``SELECT ... FOR UPDATE`` on
PostgreSQL; SQLite's single write lock, taken at the start of every writing request, serialises anyway) before
the confirmed places are counted, so two people can never take the last place. Every registration, cancellation
and move up is audited; the people concerned are told (kinds in ``app.events.notices``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

import filetype
from flask_babel import force_locale, gettext as _, lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from app.accounts.merging import register_merge_step
from app.accounts.models import User
from app.bulletin.models import Visibility
from app.bulletin.services import write_post
from app.core.audit import audit_changes, record_event
from app.core.db import utcnow
from app.core.errors import DomainError
from app.core.files import FileRule, store_upload
from app.core.i18n import COUNTRY_LABELS, LANGUAGES, format_long_moment
from app.core.translated import clean_texts, pick
from app.core.urls import path_for
from app.events.models import Event, EventKind, EventPhoto, EventRegistration, EventVisibility, RegistrationStatus
from app.events.policies import can_manage_event, can_organise_events, can_register, can_see_event, is_of_cluster
from app.extensions import db
from app.network.images import check_image
from app.notifications.services import as_param, notify
from app.training.models import MeetingStatus, TrainingSession
from app.training.services import MeetingData, apply_schedule, meeting_params


@dataclass
class EventData:
    kind: EventKind
    visibility: EventVisibility
    title: dict[str, str | None]
    summary: dict[str, str | None]
    programme: dict[str, str | None]
    source_language: str
    host_company_id: int | None
    specialisation_id: int | None
    #: Naive, on the venue's wall clock (like the meeting's times); None: open until the start.
    registration_deadline_local: datetime | None
    #: Time, zone, place and capacity: the meeting's (its title is the event's).
    schedule: MeetingData


def _apply(event: Event, data: EventData) -> None:
    if data.source_language not in LANGUAGES:
        raise DomainError(_l("Choose a language."), field="source_language")
    title = clean_texts(data.title)
    if not title:
        raise DomainError(_l("Please give the event a title, at least in one language."),
                          field=f"title_{data.source_language}")
    meeting = event.meeting
    apply_schedule(meeting, data.schedule)
    deadline = None
    if data.registration_deadline_local is not None:
        deadline = data.registration_deadline_local.replace(tzinfo=ZoneInfo(meeting.timezone))
        if deadline > meeting.starts_at:
            raise DomainError(_l("Registration must close before the event starts."), field="registration_deadline")
    event.kind, event.visibility, event.source_language = data.kind, data.visibility, data.source_language
    event.title, event.summary, event.programme = title, clean_texts(data.summary), clean_texts(data.programme)
    event.host_company_id, event.specialisation_id = data.host_company_id, data.specialisation_id
    event.registration_deadline = deadline
    meeting.title = title  # the sheet, the reminders and the calendar name the meeting by the event's title


def create_event(actor: User, data: EventData) -> Event:
    """Coordinators plan events; the event's meeting carries its time, place and capacity."""
    if not can_organise_events(actor):
        raise DomainError(_l("Only coordinators plan events."))
    meeting = TrainingSession(course_id=None, title={}, language=data.schedule.language)
    event = Event(organiser=actor, meeting=meeting)
    _apply(event, data)
    db.session.add_all([meeting, event])
    db.session.flush()
    record_event("events.created", actor=actor, obj=event,
                 after={"kind": event.kind, "visibility": event.visibility, "meeting": meeting.id,
                        "capacity": meeting.capacity})
    return event


def update_event(actor: User, event: Event, data: EventData) -> None:
    """Its organisers change an event; a new start or place is told to those registered, and a larger capacity
    moves people up from the waiting list."""
    if not can_manage_event(actor, event):
        raise DomainError(_l("You may only change events you organise."))
    if event.is_cancelled:
        raise DomainError(_l("This event was cancelled."))
    event = _locked(event)  # a larger capacity fills places: counted like a registration's
    meeting = event.meeting
    before = {"starts_at": meeting.starts_at, "capacity": meeting.capacity, "title": dict(event.title)}
    was = (meeting.starts_at, meeting.venue_company, meeting.venue_address, meeting.online_url)
    _apply(event, data)
    db.session.flush()
    old, new = audit_changes(before, {"starts_at": meeting.starts_at, "capacity": meeting.capacity,
                                      "title": dict(event.title)})
    record_event("events.changed", actor=actor, obj=event, before=old, after=new)
    if was != (meeting.starts_at, meeting.venue_company, meeting.venue_address, meeting.online_url) \
            and meeting.ends_at > utcnow():
        _tell(event, people(event, RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING), "event.moved",
              was_at=as_param(was[0]))
    fill_free_places(event, actor)


def cancel_event(actor: User, event: Event, reason: str) -> int:
    """A cancelled event stays listed (marked); everyone registered or waiting is told. Returns how many."""
    if not can_manage_event(actor, event):
        raise DomainError(_l("You may only change events you organise."))
    if event.is_cancelled:
        raise DomainError(_l("This event was cancelled."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("Please give the reason for the cancellation."), field="reason")
    event.meeting.status, event.meeting.cancel_reason = MeetingStatus.CANCELLED, reason[:2000]
    db.session.flush()
    record_event("events.cancelled", actor=actor, obj=event, after={"reason": event.meeting.cancel_reason})
    if event.meeting.ends_at <= utcnow():
        return 0
    return _tell(event, people(event, RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING), "event.cancelled",
                 reason=event.meeting.cancel_reason)


# -- registration ------------------------------------------------------------------------------------------------
def _locked(event: Event) -> Event:
    """The event again, its row locked until the transaction ends (concurrent registrations wait here)."""
    return db.session.scalar(select(Event).where(Event.id == event.id).with_for_update()
                             .execution_options(populate_existing=True))


def confirmed_count(event: Event) -> int:
    return db.session.scalar(select(func.count()).select_from(EventRegistration).where(
        EventRegistration.event_id == event.id, EventRegistration.status == RegistrationStatus.CONFIRMED)) or 0


def places_left(event: Event) -> int | None:
    """Free places (None: no limit)."""
    capacity = event.meeting.capacity
    return None if capacity is None else max(0, capacity - confirmed_count(event))


def registration_closes_at(event: Event) -> datetime:
    deadline, start = event.registration_deadline, event.meeting.starts_at
    return min(deadline, start) if deadline else start


def is_open_for_registration(event: Event, now: datetime | None = None) -> bool:
    return not event.is_cancelled and (now or utcnow()) < registration_closes_at(event)


def registration_of(event: Event, user: Any) -> EventRegistration | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(EventRegistration).where(EventRegistration.event_id == event.id,
                                                             EventRegistration.user_id == user.id))


def register(user: User, event: Event, now: datetime | None = None) -> EventRegistration:
    """Take a place, or a place on the waiting list when the event is full (the end of the list: someone who
    cancelled and registers again too). Closed at the deadline and the start, and for cancelled events."""
    now = now or utcnow()
    if not can_see_event(user, event) or not can_register(user, event):
        raise DomainError(_l("This event is for the cluster's members only."))
    event = _locked(event)
    if event.is_cancelled:
        raise DomainError(_l("This event was cancelled."))
    if now >= registration_closes_at(event):
        raise DomainError(_l("Registration for this event is closed."))
    registration = registration_of(event, user)
    if registration is not None and registration.status != RegistrationStatus.CANCELLED:
        return registration  # registering twice changes nothing
    full = event.meeting.capacity is not None and confirmed_count(event) >= event.meeting.capacity
    status = RegistrationStatus.WAITING if full else RegistrationStatus.CONFIRMED
    if registration is None:
        registration = EventRegistration(event_id=event.id, user_id=user.id)
        db.session.add(registration)
    # created_at is when the current registration was made: the waiting list's order (a new one goes last).
    registration.status, registration.created_at, registration.cancelled_at = status, now, None
    registration.confirmed_at = None if full else now
    db.session.flush()
    record_event("events.registered", actor=user, obj=registration,
                 after={"event": event.id, "user": user.id, "status": status})
    if full:
        _tell(event, [user], "event.waiting", position=waiting_position(registration))
    else:
        _tell(event, [user], "event.registered")
    return registration


def cancel_registration(actor: User, registration: EventRegistration, now: datetime | None = None) -> None:
    """The person (or an organiser) gives up a place or a place on the waiting list, until the event starts; a
    freed place goes at once to the first person waiting, who is told."""
    now = now or utcnow()
    event = _locked(registration.event)
    if actor.id != registration.user_id and not can_manage_event(actor, event):
        raise DomainError(_l("You may only cancel your own registration."))
    if registration.status == RegistrationStatus.CANCELLED:
        return
    if now >= event.meeting.starts_at:
        raise DomainError(_l("The event has started; registrations can no longer be cancelled."))
    was = registration.status
    registration.status, registration.cancelled_at = RegistrationStatus.CANCELLED, now
    db.session.flush()
    record_event("events.registration_cancelled", actor=actor, obj=registration,
                 before={"status": was}, after={"status": registration.status, "event": event.id})
    if was == RegistrationStatus.CONFIRMED and not event.is_cancelled:
        fill_free_places(event, actor, now)


def waiting_list(event: Event) -> list[EventRegistration]:
    """The people waiting, first come first served."""
    return list(db.session.scalars(select(EventRegistration).where(
        EventRegistration.event_id == event.id, EventRegistration.status == RegistrationStatus.WAITING)
        .order_by(EventRegistration.created_at, EventRegistration.id)))


def waiting_position(registration: EventRegistration) -> int | None:
    if registration.status != RegistrationStatus.WAITING:
        return None
    return next(i for i, r in enumerate(waiting_list(registration.event), 1) if r.id == registration.id)


def fill_free_places(event: Event, actor: Any, now: datetime | None = None) -> list[EventRegistration]:
    """Move the first people waiting up into the free places (after a cancellation or a larger capacity), until
    registration closes; each is told "a place became free — you are registered"."""
    now = now or utcnow()
    if event.is_cancelled or now >= event.meeting.starts_at:
        return []
    free = places_left(event)
    waiting = waiting_list(event)
    moved = waiting if free is None else waiting[:free]
    for registration in moved:
        registration.status, registration.confirmed_at = RegistrationStatus.CONFIRMED, now
        db.session.flush()
        record_event("events.moved_up", actor=actor, obj=registration,
                     before={"status": RegistrationStatus.WAITING},
                     after={"status": RegistrationStatus.CONFIRMED, "event": event.id, "user": registration.user_id})
        _tell(event, [registration.user], "event.moved_up")
    return moved


def registrations(event: Event, *statuses: RegistrationStatus) -> list[EventRegistration]:
    query = select(EventRegistration).where(EventRegistration.event_id == event.id)
    if statuses:
        query = query.where(EventRegistration.status.in_(statuses))
    return list(db.session.scalars(query.order_by(EventRegistration.created_at, EventRegistration.id)))


def people(event: Event, *statuses: RegistrationStatus) -> list[User]:
    return [r.user for r in registrations(event, *statuses)]


def confirmed_user_ids(event: Event) -> set[int]:
    return set(db.session.scalars(select(EventRegistration.user_id).where(
        EventRegistration.event_id == event.id, EventRegistration.status == RegistrationStatus.CONFIRMED)))


def event_params(event: Event) -> dict:
    return {**meeting_params(event.meeting), "event": event.id}


def _tell(event: Event, recipients: list[User], kind: str, **extra) -> int:
    return len(notify(recipients, kind, {**event_params(event), **extra},
                      link=path_for("events.show", event_id=event.id)))


# -- lists ----------------------------------------------------------------------------------------------------------
def visible_events(user: Any, *, past: bool = False, limit: int = 50, now: datetime | None = None) -> list[Event]:
    """Events the person may see, coming ones first (or past ones, newest first); cancelled ones stay listed."""
    now = now or utcnow()
    query = select(Event).join(TrainingSession, TrainingSession.id == Event.meeting_id)
    if past:
        query = query.where(TrainingSession.ends_at < now).order_by(TrainingSession.starts_at.desc())
    else:
        query = query.where(TrainingSession.ends_at >= now).order_by(TrainingSession.starts_at)
    if not is_of_cluster(user):
        query = query.where(Event.visibility == EventVisibility.PUBLIC)
    return list(db.session.scalars(query.options(contains_eager(Event.meeting)).order_by(Event.id).limit(limit)))


def my_events(user: User, now: datetime | None = None) -> list[EventRegistration]:
    """The person's coming events (confirmed or waiting), soonest first."""
    now = now or utcnow()
    return list(db.session.scalars(select(EventRegistration).join(Event).join(
        TrainingSession, TrainingSession.id == Event.meeting_id).where(
        EventRegistration.user_id == user.id,
        EventRegistration.status.in_([RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING]),
        TrainingSession.ends_at >= now, TrainingSession.status == MeetingStatus.SCHEDULED)
        .options(contains_eager(EventRegistration.event).contains_eager(Event.meeting))
        .order_by(TrainingSession.starts_at)))


# -- photos -------------------------------------------------------------------------------------------------------
PHOTOS = FileRule("events/photos", {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}, 10 * 2**20,
                  wrong_type=_l("Upload a photo as a JPEG, PNG or WebP file."),
                  too_large=_l("The photo is too large (at most 10 MB)."), default_name="photo")


def add_photo(actor: User, event: Event, stream: BinaryIO, filename: str | None,
              now: datetime | None = None) -> EventPhoto:
    """Organisers add photos once the event has ended (checked by content: a real JPEG, PNG or WebP image)."""
    if not can_manage_event(actor, event):
        raise DomainError(_l("You may only change events you organise."))
    if (now or utcnow()) < event.meeting.ends_at:
        raise DomainError(_l("Photos can be added once the event has ended."), field="file")
    data = stream.read(PHOTOS.max_bytes + 1)
    if len(data) > PHOTOS.max_bytes:
        raise DomainError(PHOTOS.too_large, field="file")
    guess = filetype.guess(data[:8192]) if data else None
    if guess is None or guess.extension not in PHOTOS.types:
        raise DomainError(PHOTOS.wrong_type, field="file")
    check_image(data)
    return store_upload(EventPhoto(event_id=event.id), io.BytesIO(data), filename, PHOTOS, actor=actor,
                        action="events.photo_added", about=event)


def photo_references():
    """Every stored photo (``flask storage check`` keeps them)."""
    for photo_id, key in db.session.execute(select(EventPhoto.id, EventPhoto.storage_key)):
        yield key, f"event photo #{photo_id}"


# -- the bulletin -------------------------------------------------------------------------------------------------
def draft_post(actor: User, event: Event, event_url: str) -> Any:
    """A DRAFT bulletin post about the event, in each of its languages: title, summary, date, place and link."""
    if not can_manage_event(actor, event):
        raise DomainError(_l("You may only change events you organise."))
    body = {language: post_body(event, language, event_url) for language in event.title}
    post = write_post(actor, title=dict(event.title), body=body, source_language=event.source_language,
                      visibility=Visibility.PUBLIC if event.visibility == EventVisibility.PUBLIC
                      else Visibility.MEMBERS, publish=False)
    record_event("events.post_drafted", actor=actor, obj=event, after={"post": post.id})
    return post


def post_body(event: Event, language: str, event_url: str) -> str:
    """The draft post's text in ``language`` (Markdown): the summary, when (on the venue's clock), where, the link."""
    meeting = event.meeting
    with force_locale(language):
        # Labels first: the extractor does not see gettext calls inside f-strings.
        when, where, more = _("When"), _("Where"), _("Details and registration")
        place = ", ".join(p for p in (meeting.venue_company, meeting.venue_address,
                                      str(COUNTRY_LABELS[meeting.venue_country.value])) if p)
        moment = format_long_moment(meeting.starts_at, meeting.timezone, language, end=meeting.ends_at)
        lines = [pick(event.summary, event.source_language, language), "",
                 f"**{when}:** {moment} ({meeting.timezone})", "", f"**{where}:** {place}", "",
                 f"[{more}]({event_url})"]
    return "\n".join(lines).strip()


def _move_registrations(source: User, target: User) -> None:
    """Merging two accounts: the registrations move to the kept one, except for events it is registered for itself
    (its own registration wins; the other stays with the old account)."""
    taken = set(db.session.scalars(select(EventRegistration.event_id).where(EventRegistration.user_id == target.id)))
    for registration in db.session.scalars(select(EventRegistration).where(EventRegistration.user_id == source.id)):
        if registration.event_id not in taken:
            registration.user_id = target.id
    db.session.flush()


register_merge_step(_move_registrations)
