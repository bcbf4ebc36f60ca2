"""Meetings without a course: the seam through which another domain (events outside courses) hosts meetings.

A ``TrainingSession`` normally belongs to a course, and the course decides who belongs to it (enrolment), who runs
it (the course's trainers) and how it is named. A meeting with ``course_id`` None is *hosted*: a registered
``MeetingHost`` answers those questions, so the whole attendance machinery (roster, check-in, tickets, history,
the attendance sheet, signed scans, the evidence pack, reminders and calendars) serves it unchanged, and training
never imports the host's domain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Select

    from app.accounts.models import User
    from app.training.models import TrainingSession


@dataclass(frozen=True)
class MeetingHost:
    name: str
    #: Whether this host owns the (course-less) meeting.
    owns: Callable[[TrainingSession], bool]
    #: The people who belong to it: expected on its roster and sheet, allowed to be marked (confirmed
    #: registrations, plus anyone already marked there).
    member_ids: Callable[[TrainingSession], set[int]]
    #: The people told about it and reminded of it (confirmed now).
    participants: Callable[[TrainingSession], list[User]]
    runs: Callable[[Any, TrainingSession], bool]
    sees: Callable[[Any, TrainingSession], bool]
    #: Per-language name of what hosts it (where a course meeting shows its course's title).
    heading: Callable[[TrainingSession], dict]
    source_language: Callable[[TrainingSession], str]
    #: The host's page of the meeting (path).
    link: Callable[[TrainingSession], str]
    #: ``TrainingSession.id`` of the hosted meetings the person takes part in (their calendar feed).
    meeting_ids_of: Callable[[int], Select]


_HOSTS: list[MeetingHost] = []


def register_meeting_host(host: MeetingHost) -> None:
    """Register a host (once per name: ``create_app`` may run several times in one process)."""
    if not any(h.name == host.name for h in _HOSTS):
        _HOSTS.append(host)


def hosts() -> list[MeetingHost]:
    return list(_HOSTS)


def host_of(meeting: TrainingSession) -> MeetingHost | None:
    """The host of a course-less meeting (None for a course's meeting, or one no host claims)."""
    if meeting.course_id is not None:
        return None
    return next((host for host in _HOSTS if host.owns(meeting)), None)
