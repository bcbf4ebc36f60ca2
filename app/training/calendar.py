"""The personal iCalendar feed: a secret URL per person that calendar apps subscribe to."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import url_for
from icalendar import Calendar, Event
from sqlalchemy import select

from app.accounts.models import User
from app.core.db import utcnow
from app.core.translated import pick
from app.enrolment.models import Enrolment, EnrolmentStatus
from app.extensions import db
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


def build_calendar(user: User, base_url: str) -> bytes:
    """Meetings of the person's courses from a month ago on, with times in the venue's zone (TZID + VTIMEZONE)."""
    meetings = db.session.scalars(select(TrainingSession).join(
        Enrolment, (Enrolment.course_id == TrainingSession.course_id) & (Enrolment.user_id == user.id)).where(
        Enrolment.status == EnrolmentStatus.ENROLLED, TrainingSession.ends_at >= utcnow() - timedelta(days=31))
        .order_by(TrainingSession.starts_at))
    calendar = Calendar()
    calendar.add("prodid", "-//MCC Multimedia Competence Centre//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "MCC")
    for meeting in meetings:
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(meeting.timezone)
        event = Event()
        event.add("uid", f"meeting-{meeting.id}@mcc")
        event.add("summary", f"{pick(meeting.course.title, meeting.course.source_language, user.language)}: "
                             f"{meeting.title}")
        event.add("dtstart", meeting.starts_at.astimezone(zone))
        event.add("dtend", meeting.ends_at.astimezone(zone))
        event.add("dtstamp", utcnow())
        location = ", ".join(p for p in (meeting.venue_company, meeting.venue_address) if p) or meeting.online_url
        if location:
            event.add("location", location)
        event.add("url", base_url.rstrip("/") + url_for("training.meeting", meeting_id=meeting.id))
        if meeting.status == MeetingStatus.CANCELLED:
            event.add("status", "CANCELLED")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
