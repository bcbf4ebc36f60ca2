"""Home-page panels of training (``core.home``): a trainee's meetings today (and check-in), a trainer's next
meeting and rosters left to complete, and the coordinators' meetings without a signed sheet. Each builder runs a
fixed number of queries whatever the number of meetings, courses or people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import selectinload

from app.catalogue.models import course_trainers
from app.core.db import utcnow
from app.core.i18n import zone_of
from app.enrolment.models import Enrolment, EnrolmentStatus
from app.extensions import db
from app.training.checkin import OPENS_BEFORE, is_open
from app.training.membership import with_meetings
from app.training.models import ATTENDED, Attendance, MeetingStatus, SignedSheet, TrainingSession

#: How many items a panel lists before "and N more" (the full lists are one tap away).
SHOWN = 5


def day_bounds(user: Any, now: datetime) -> tuple[datetime, datetime]:
    """Today on the viewer's clock, as UTC bounds [start, end): a meeting at 00:30 in Warsaw is "today" for a
    Warsaw viewer though it is still yesterday in UTC."""
    zone = ZoneInfo(zone_of(user))
    today = now.astimezone(zone).date()
    start = datetime.combine(today, time.min, zone)
    return start, datetime.combine(today + timedelta(days=1), time.min, zone)


@dataclass
class TodayMeeting:
    meeting: TrainingSession
    checked_in: bool
    #: Check-in is open (from ``checkin.OPENS_BEFORE`` before the start to the end): the button leads to it.
    open: bool
    opens_at: datetime


def trainee_meetings(user: Any, now: datetime | None = None) -> dict:
    """Meetings of the trainee's courses running now or later today (their clock), whether they are checked in;
    without any today, the next one to come."""
    now = now or utcnow()
    start, end = day_bounds(user, now)
    enrolled = (Enrolment.course_id == TrainingSession.course_id) & (Enrolment.user_id == user.id) \
        & (Enrolment.status == EnrolmentStatus.ENROLLED)
    base = select(TrainingSession).join(Enrolment, enrolled).where(TrainingSession.status == MeetingStatus.SCHEDULED)
    today = list(db.session.scalars(base.where(TrainingSession.starts_at < end, TrainingSession.ends_at >= now,
                                               TrainingSession.ends_at >= start)
                                    .options(selectinload(TrainingSession.course))
                                    .order_by(TrainingSession.starts_at, TrainingSession.id)))
    attended = set(db.session.scalars(select(Attendance.session_id).where(
        Attendance.user_id == user.id, Attendance.session_id.in_([m.id for m in today]),
        Attendance.status.in_(ATTENDED)))) if today else set()
    upcoming = None
    if not today:
        upcoming = db.session.scalar(base.where(TrainingSession.starts_at >= end)
                                     .options(selectinload(TrainingSession.course))
                                     .order_by(TrainingSession.starts_at, TrainingSession.id).limit(1))
    return {"today": [TodayMeeting(m, m.id in attended, is_open(m, now), m.starts_at - OPENS_BEFORE)
                      for m in today], "upcoming": upcoming, "now": now}


def _runs(user: Any):
    """The meetings a trainer runs: theirs, or of a course they teach (as the meetings list shows them)."""
    taught = select(course_trainers.c.course_id).where(course_trainers.c.user_id == user.id)
    return or_(TrainingSession.trainer_id == user.id, TrainingSession.course_id.in_(taught))


def trainer_meetings(user: Any, now: datetime | None = None) -> dict:
    """The trainer's next meeting, and their past meetings where someone on the roster is still unmarked."""
    now = now or utcnow()
    mine = _runs(user)
    upcoming = db.session.scalar(select(TrainingSession).where(
        mine, TrainingSession.status == MeetingStatus.SCHEDULED, TrainingSession.ends_at >= now)
        .options(selectinload(TrainingSession.course)).order_by(TrainingSession.starts_at, TrainingSession.id).limit(1))
    # The roster (``services.roster``): who belonged to the meeting (``membership``) and is still enrolled; a
    # person is unmarked when no attendance row exists for them.
    unmarked = (with_meetings(select(TrainingSession.id, func.count().label("people")).select_from(Enrolment),
                              Enrolment.course_id.in_(select(TrainingSession.course_id).where(mine)))
                .outerjoin(Attendance, (Attendance.session_id == TrainingSession.id)
                           & (Attendance.user_id == Enrolment.user_id))
                .where(mine, TrainingSession.status == MeetingStatus.SCHEDULED, TrainingSession.ends_at < now,
                       Enrolment.status == EnrolmentStatus.ENROLLED, Attendance.id.is_(None))
                .group_by(TrainingSession.id).subquery())
    rows = db.session.execute(select(TrainingSession, unmarked.c.people, func.count().over().label("total"))
                              .join(unmarked, unmarked.c.id == TrainingSession.id)
                              .options(selectinload(TrainingSession.course))
                              .order_by(TrainingSession.starts_at.desc(), TrainingSession.id.desc())
                              .limit(SHOWN)).all()
    return {"upcoming": upcoming, "rosters": [(meeting, people) for meeting, people, _total in rows],
            "rosters_total": rows[0].total if rows else 0, "now": now}


def unsigned_sheets(user: Any, now: datetime | None = None) -> dict:
    """Held meetings (not cancelled) of which no scan of the signed attendance sheet has been stored."""
    now = now or utcnow()
    query = select(TrainingSession, func.count().over().label("total")).where(
        TrainingSession.status == MeetingStatus.SCHEDULED, TrainingSession.ends_at < now,
        ~exists().where(SignedSheet.session_id == TrainingSession.id))
    rows = db.session.execute(query.options(selectinload(TrainingSession.course))
                              .order_by(TrainingSession.starts_at.desc(), TrainingSession.id.desc())
                              .limit(SHOWN)).all()
    return {"meetings": [meeting for meeting, _total in rows], "total": rows[0].total if rows else 0}
