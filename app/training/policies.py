"""Who may run, see and check in to which meeting."""

from __future__ import annotations

from typing import Any

from app.catalogue.policies import can_manage_course
from app.core.permissions import Role, has_role
from app.enrolment.policies import is_enrolled
from app.training.hosts import host_of
from app.training.models import TrainingSession


def can_run_meeting(user: Any, meeting: TrainingSession) -> bool:
    """The meeting's trainer, the course's trainers and coordinators run a meeting and mark its attendance."""
    if has_role(user, Role.COORDINATOR):
        return True
    if meeting.course_id is None:  # hosted (an event's): its host says
        host = host_of(meeting)
        return bool(host and host.runs(user, meeting))
    if not has_role(user, Role.TRAINER):
        return False
    return meeting.trainer_id == user.id or can_manage_course(user, meeting.course)


def can_see_meeting(user: Any, meeting: TrainingSession) -> bool:
    """Those who run it, and the participants of its course (or those its host lets see it)."""
    if can_run_meeting(user, meeting):
        return True
    if meeting.course_id is None:
        host = host_of(meeting)
        return bool(host and host.sees(user, meeting))
    return is_enrolled(user, meeting.course_id)


def can_plan_meetings(user: Any, course: Any) -> bool:
    """Meetings are planned by whoever manages the course."""
    return can_manage_course(user, course)
