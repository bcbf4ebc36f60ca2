"""The personal iCalendar feed: a secret URL per person that calendar apps subscribe to."""

from __future__ import annotations

import secrets
from datetime import timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from sqlalchemy import select, union

from app.accounts.models import User
from app.core.db import utcnow
from app.core.translated import pick
from app.enrolment.models import Enrolment, EnrolmentStatus
from app.extensions import db
from app.training.hosts import hosts
from app.training.models import MeetingStatus, TrainingSession


def calendar_token(user: User) -> str:
    """The secret of the person's feed, created on first use (flushes)."""
    if not user.calendar_token:
        user.calendar_token = secrets.token_urlsafe(32)
        db.session.flush()
    return user.calendar_token


def regenerate_calendar_token(user: User) -> str:
    """Invalidate the old feed URL (e.g. it was shared by mistake)."""
    user.calendar_token = secrets.token_urlsafe(32)
    db.session.flush()
    return user.calendar_token


def user_for_token(token: str) -> User | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(User).where(User.calendar_token == token, User.is_active.is_(True)))


def _calendar() -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//MCC Multimedia Competence Centre//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "MCC")
    return calendar


def _event(meeting: TrainingSession, user: User, base_url: str | None) -> Event:
    """One meeting as the person's calendar shows it: on the venue's clock (TZID), titled in their language."""
    zone = ZoneInfo(meeting.timezone)
    event = Event()
    event.add("uid", f"meeting-{meeting.id}@mcc")
    title = pick(meeting.title, meeting.source_language, user.language)
    if meeting.course is not None:
        title = f"{pick(meeting.course.title, meeting.source_language, user.language)}: {title}"
    event.add("summary", title)  # a hosted meeting (an event's) carries the event's own title
    event.add("dtstart", meeting.starts_at.astimezone(zone))
    event.add("dtend", meeting.ends_at.astimezone(zone))
    event.add("dtstamp", utcnow())
    location = ", ".join(p for p in (meeting.venue_company, meeting.venue_address) if p) or meeting.online_url
    if location:
        event.add("location", location)
    if base_url:
        event.add("url", base_url.rstrip("/") + meeting.link)
    if meeting.status == MeetingStatus.CANCELLED:
        event.add("status", "CANCELLED")
    return event


def build_calendar(user: User, base_url: str) -> bytes:
    """Meetings of the person's courses and of the events they take part in (``hosts``), from a month ago on,
    with times in the venue's zone (TZID + VTIMEZONE)."""
    courses = select(TrainingSession.id).join(
        Enrolment, (Enrolment.course_id == TrainingSession.course_id) & (Enrolment.user_id == user.id)).where(
        Enrolment.status == EnrolmentStatus.ENROLLED)
    hosted = [host.meeting_ids_of(user.id) for host in hosts()]
    meetings = db.session.scalars(select(TrainingSession).where(
        TrainingSession.id.in_(union(courses, *hosted) if hosted else courses),
        TrainingSession.ends_at >= utcnow() - timedelta(days=31)).order_by(TrainingSession.starts_at))
    calendar = _calendar()
    for meeting in meetings:
        calendar.add_component(_event(meeting, user, base_url))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def meeting_calendar(meeting: TrainingSession, user: User, base_url: str | None) -> bytes:
    """A calendar holding this one meeting (attached to the reminder mail; the same UID as in the feed, so a
    calendar that has both shows it once)."""
    calendar = _calendar()
    calendar.add("method", "PUBLISH")
    calendar.add_component(_event(meeting, user, base_url))
    calendar.add_missing_timezones()
    return calendar.to_ical()
