"""Which meetings a trainee belongs to: the one rule behind every attendance share, roster and sheet.

A person belongs to a meeting when they were enrolled in its course at the moment it started, as the enrolment's
history says (``EnrolmentEvent``: a period runs from a change to ENROLLED until the next change). So someone who
joins after two meetings is measured on the meetings from their enrolment on (not stuck at 0 %), is not on the
earlier meetings' rosters or sheets, and cannot be marked there. Someone withdrawn and enrolled again keeps the
meetings of their first period, with what was recorded there (withdrawing cannot wipe absences), and the meetings
held while they were out do not count. Meetings still to come belong to whoever is enrolled now.

A hosted meeting (no course, ``app.training.hosts``: an event's) has no enrolments: its host says who belongs.

Every attendance figure — ``services.attendance_rates`` (the trainee's pages, the completion rule), the reports'
pairs, the at-risk list and the attendance matrix — joins enrolments to meetings through ``with_meetings``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, and_, exists, func, or_, select, type_coerce
from sqlalchemy.sql.selectable import Subquery

from app.core.db import UTCDateTime
from app.enrolment.models import Enrolment, EnrolmentEvent, EnrolmentStatus
from app.extensions import db
from app.training.hosts import host_of
from app.training.models import TrainingSession


def enrolled_periods(*only) -> Subquery:
    """``(enrolment_id, since, until)`` for each period an enrolment was ENROLLED (``until`` None: still is).
    ``only``: conditions on ``Enrolment`` naming the enrolments wanted (one person's pages need not read everyone's
    history)."""
    order = (EnrolmentEvent.created_at, EnrolmentEvent.id)
    next_change = type_coerce(func.lead(EnrolmentEvent.created_at).over(
        partition_by=EnrolmentEvent.enrolment_id, order_by=order), UTCDateTime)
    events = select(EnrolmentEvent.enrolment_id, EnrolmentEvent.to_status, EnrolmentEvent.created_at.label("since"),
                    next_change.label("until"))
    if only:  # whole enrolments only: each one's periods come from its own events
        events = events.where(EnrolmentEvent.enrolment_id.in_(select(Enrolment.id).where(*only).correlate(None)))
    events = events.subquery("enrolment_changes")
    return (select(events.c.enrolment_id, events.c.since, events.c.until)
            .where(events.c.to_status == EnrolmentStatus.ENROLLED).subquery("enrolled_periods"))


def _during(periods: Subquery, moment) -> object:
    return and_(periods.c.since <= moment, or_(periods.c.until.is_(None), periods.c.until > moment))


def with_meetings(query: Select, *only) -> Select:
    """``query`` (selecting from ``Enrolment``) joined to ``TrainingSession``: the meetings of each enrolment's
    course that the person belongs to. Each pair appears once (periods never overlap). ``only``: as for
    ``enrolled_periods``, when the query is about a few enrolments."""
    periods = enrolled_periods(*only)
    return (query.join(periods, periods.c.enrolment_id == Enrolment.id)
            .join(TrainingSession, and_(TrainingSession.course_id == Enrolment.course_id,
                                        _during(periods, TrainingSession.starts_at))))


def member_ids(meeting: TrainingSession) -> set[int]:
    """The people who belong to ``meeting`` (enrolled in its course when it started, or as its host says),
    whatever they are now."""
    if meeting.course_id is None:
        host = host_of(meeting)
        return host.member_ids(meeting) if host else set()
    periods = enrolled_periods(Enrolment.course_id == meeting.course_id)
    return set(db.session.scalars(select(Enrolment.user_id).join(periods, periods.c.enrolment_id == Enrolment.id)
                                  .where(Enrolment.course_id == meeting.course_id,
                                         _during(periods, meeting.starts_at))))


def belongs(user_id: int, meeting: TrainingSession) -> bool:
    """Whether the person belongs to ``meeting``: enrolled in its course when it started (or as its host says)."""
    if meeting.course_id is None:
        return user_id in member_ids(meeting)
    return enrolled_at(user_id, meeting.course_id, meeting.starts_at)


def enrolled_at(user_id: int, course_id: int, moment: datetime) -> bool:
    """Whether the person was enrolled in the course at ``moment`` (by the enrolment's history)."""
    periods = enrolled_periods(Enrolment.user_id == user_id, Enrolment.course_id == course_id)
    return bool(db.session.scalar(select(exists().where(
        periods.c.enrolment_id == Enrolment.id, Enrolment.user_id == user_id, Enrolment.course_id == course_id,
        _during(periods, moment)))))
