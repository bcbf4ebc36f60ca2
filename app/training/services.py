"""Meetings and attendance: who may run which meeting, how attendance is recorded and corrected.

Every attendance value ever set is kept (``AttendanceChange``) and audited; the current one is on ``Attendance``.
The course's participants are told when a meeting is planned, moved or cancelled, and reminded the day before
(kinds in ``app.training.notices``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import joinedload

from app.accounts.merging import register_merge_step
from app.accounts.models import Country, User
from app.catalogue.models import Course
from app.core.audit import audit_changes, record_event
from app.core.db import utcnow
from app.core.errors import DomainError
from app.core.files import FileRule, store_upload
from app.core.i18n import in_each_language, is_valid_timezone
from app.core.permissions import Role, has_role
from app.core.translated import Gaps, clean_texts, translation_gaps
from app.enrolment.models import Enrolment, EnrolmentStatus
from app.extensions import db
from app.notifications.services import as_param, notify
from app.training.hosts import host_of
from app.training.membership import belongs, member_ids, with_meetings
from app.training.models import (
    ATTENDED,
    Attendance,
    AttendanceChange,
    AttendanceMethod,
    AttendanceStatus,
    MeetingStatus,
    TrainingSession,
)
from app.training.policies import can_plan_meetings, can_run_meeting
from app.training.signals import attendance_changed, meetings_changed


@dataclass
class MeetingData:
    title: dict[str, str | None]  # per language; at least one
    starts_local: datetime  # naive, on the venue's wall clock
    ends_local: datetime
    timezone: str
    venue_company: str | None
    venue_address: str | None
    venue_country: Country
    online_url: str | None
    trainer_id: int | None
    capacity: int | None
    language: str


def _apply(meeting: TrainingSession, data: MeetingData, course: Course) -> None:
    title = clean_texts(data.title)
    if not title:
        raise DomainError(_l("Please give the meeting a title, at least in one language."),
                          field=f"title_{course.source_language}")
    meeting.title = title
    apply_schedule(meeting, data)


def apply_schedule(meeting: TrainingSession, data: MeetingData) -> None:
    """Check and set a meeting's time, zone, venue, trainer and capacity (its title is the caller's: a course
    meeting's own, or its host's). Raises ``DomainError`` naming the field."""
    if not is_valid_timezone(data.timezone):
        raise DomainError(_l("Unknown time zone."), field="timezone")
    zone = ZoneInfo(data.timezone)
    starts = data.starts_local.replace(tzinfo=zone)
    ends = data.ends_local.replace(tzinfo=zone)
    if ends <= starts:
        raise DomainError(_l("The meeting must end after it starts."), field="ends_local")
    if ends - starts > timedelta(hours=24):
        raise DomainError(_l("A meeting cannot last more than a day; create one meeting per day."), field="ends_local")
    if data.capacity is not None and data.capacity < 1:
        raise DomainError(_l("Capacity must be at least 1, or empty for no limit."), field="capacity")
    if data.online_url and not data.online_url.startswith("https://"):
        raise DomainError(_l("An online link must start with https://."), field="online_url")
    if data.trainer_id is not None:
        trainer = db.session.get(User, data.trainer_id)
        if trainer is None or not has_role(trainer, Role.TRAINER):
            raise DomainError(_l("Choose a trainer."), field="trainer_id")
    meeting.starts_at, meeting.ends_at = starts, ends  # stored in UTC by the column type
    meeting.timezone = data.timezone
    meeting.venue_company = (data.venue_company or "").strip() or None
    meeting.venue_address = (data.venue_address or "").strip() or None
    meeting.venue_country = data.venue_country
    meeting.online_url = (data.online_url or "").strip() or None
    meeting.trainer_id = data.trainer_id
    meeting.capacity = data.capacity
    meeting.language = data.language


#: How the trainers' notice of missing translations names a meeting's texts.
GAP_LABELS = {"meeting_title": _l("meeting title")}


def meeting_gaps(meeting: TrainingSession) -> Gaps:
    """The languages the meeting's title is not yet written in (for the trainers' notice)."""
    return translation_gaps([("meeting_title", "", meeting.title)])


# -- telling the participants ------------------------------------------------------------------------------------
#: The reminder goes to meetings starting within this window ahead (the hourly job runs for each meeting about
#: 24 hours before; the 12 hours of slack cover runs missed while no worker was up).
REMINDER_WINDOW = (timedelta(hours=12), timedelta(hours=24))


def participants(course_id: int) -> list[User]:
    """The people a course's meetings concern: everyone ENROLLED in it."""
    return list(db.session.scalars(select(User).join(Enrolment, Enrolment.user_id == User.id).where(
        Enrolment.course_id == course_id, Enrolment.status == EnrolmentStatus.ENROLLED).order_by(User.id)))


def _place(meeting: TrainingSession) -> str | dict:
    place = ", ".join(p for p in (meeting.venue_company, meeting.venue_address) if p)
    return place or in_each_language(lambda _language: _l("online"))


def meeting_participants(meeting: TrainingSession) -> list[User]:
    """The people told about a meeting and reminded of it: its course's participants, or its host's."""
    if meeting.course_id is None:
        host = host_of(meeting)
        return host.participants(meeting) if host else []
    return participants(meeting.course_id)


def meeting_params(meeting: TrainingSession) -> dict:
    """What a notification about the meeting shows (times on each reader's clock, the course — or the hosting
    event — and the meeting's title in their language)."""
    return {"meeting": meeting.id, "course": meeting.heading, "title": meeting.title,
            "starts_at": as_param(meeting.starts_at), "place": _place(meeting)}


def _tell_participants(meeting: TrainingSession, kind: str, key: str | None = None, **extra) -> int:
    return len(notify(meeting_participants(meeting), kind, {**meeting_params(meeting), **extra},
                      link=meeting.link, key=key))


def create_meeting(actor: User, course: Course, data: MeetingData) -> TrainingSession:
    """Whoever manages the course plans its meetings; its participants are told (unless it is already over)."""
    if not can_plan_meetings(actor, course):
        raise DomainError(_l("You may only plan meetings for courses you teach."))
    meeting = TrainingSession(course=course)
    _apply(meeting, data, course)
    db.session.add(meeting)
    db.session.flush()
    record_event("training.meeting_created", actor=actor, obj=meeting, after={"course": course.id})
    if meeting.ends_at > utcnow():
        _tell_participants(meeting, "meeting.planned")
    return meeting


def update_meeting(actor: User, meeting: TrainingSession, data: MeetingData) -> None:
    """Those who run a meeting change its time, venue and trainer; a new start or place is told to the
    participants (not for a meeting that is over or cancelled)."""
    if not can_run_meeting(actor, meeting):
        raise DomainError(_l("You may only change your own meetings."))
    if meeting.course_id is None:
        raise DomainError(_l("This meeting belongs to an event: change it on the event's page."))
    before = {"starts_at": meeting.starts_at, "ends_at": meeting.ends_at, "title": dict(meeting.title or {})}
    was = (meeting.starts_at, _place(meeting))
    _apply(meeting, data, meeting.course)
    db.session.flush()
    old, new = audit_changes(before, {"starts_at": meeting.starts_at, "ends_at": meeting.ends_at,
                                      "title": dict(meeting.title)})
    record_event("training.meeting_changed", actor=actor, obj=meeting, before=old, after=new)
    if (meeting.starts_at, _place(meeting)) != was and not meeting.is_cancelled and meeting.ends_at > utcnow():
        _tell_participants(meeting, "meeting.moved", was_at=as_param(was[0]))
    if meeting.starts_at != was[0]:
        meetings_changed.send(meeting.course, actor=actor, cause=f"meeting {meeting.id} moved")


def cancel_meeting(actor: User, meeting: TrainingSession, reason: str) -> None:
    """A cancelled meeting stays listed (crossed out) and no longer counts towards attendance rates."""
    if not can_run_meeting(actor, meeting):
        raise DomainError(_l("You may only change your own meetings."))
    if meeting.course_id is None:
        raise DomainError(_l("This meeting belongs to an event: change it on the event's page."))
    if not reason or not reason.strip():
        raise DomainError(_l("Please give the reason for the cancellation."), field="reason")
    meeting.status, meeting.cancel_reason = MeetingStatus.CANCELLED, reason.strip()
    record_event("training.meeting_cancelled", actor=actor, obj=meeting, after={"reason": meeting.cancel_reason})
    db.session.flush()
    if meeting.ends_at > utcnow():
        _tell_participants(meeting, "meeting.cancelled", reason=meeting.cancel_reason)
    meetings_changed.send(meeting.course, actor=actor, cause=f"meeting {meeting.id} cancelled")


def remind_of_meetings(now: datetime | None = None) -> int:
    """The day before: every participant of a meeting starting within ``REMINDER_WINDOW`` is reminded, once per
    person and start time (a moved meeting is reminded of again). Returns the number of reminders."""
    now = now or utcnow()
    meetings = db.session.scalars(select(TrainingSession).where(
        TrainingSession.status == MeetingStatus.SCHEDULED, TrainingSession.starts_at > now + REMINDER_WINDOW[0],
        TrainingSession.starts_at <= now + REMINDER_WINDOW[1]).order_by(TrainingSession.starts_at))
    told = 0
    for meeting in list(meetings):
        told += _tell_participants(meeting, "meeting.reminder",
                                   key=f"meeting.reminder:{meeting.id}:{meeting.starts_at.astimezone(UTC):%Y%m%dT%H%M}")
    return told


def roster(meeting: TrainingSession) -> list[tuple[User, Attendance | None]]:
    """The people expected at a meeting: those who belong to it (``membership``: enrolled in its course when it
    started) and are ENROLLED now or already marked there. Someone enrolled later is not on it. A hosted
    meeting's: whoever its host says belongs."""
    members = member_ids(meeting)
    attendance = {a.user_id: a for a in db.session.scalars(
        select(Attendance).where(Attendance.session_id == meeting.id)) if a.user_id in members}
    if meeting.course_id is None:
        users = list(db.session.scalars(select(User).where(User.id.in_(members or [-1]))))
        users.sort(key=lambda u: (u.full_name.casefold(), u.id))
        return [(u, attendance.get(u.id)) for u in users]
    users = list(db.session.scalars(select(User).join(Enrolment, Enrolment.user_id == User.id).where(
        Enrolment.course_id == meeting.course_id, User.id.in_(members or [-1]),
        (Enrolment.status == EnrolmentStatus.ENROLLED) | User.id.in_(list(attendance) or [-1]))))
    users.sort(key=lambda u: (u.full_name.casefold(), u.id))
    return [(u, attendance.get(u.id)) for u in users]


def record_attendance(meeting: TrainingSession, user: User, status: AttendanceStatus, remark: str | None,
                      actor: User | None, method: AttendanceMethod) -> Attendance:
    """Set one person's attendance; the earlier value is kept in the history. No-op when nothing changes."""
    if meeting.is_cancelled:
        raise DomainError(_l("This meeting was cancelled."))
    if not belongs(user.id, meeting):
        if meeting.course_id is None:
            raise DomainError(_l("%(name)s is not registered for this event, so their attendance is not recorded "
                                 "here.", name=user.full_name))
        raise DomainError(_l("%(name)s was not enrolled in the course when this meeting started, so their "
                             "attendance is not recorded here.", name=user.full_name))
    remark = (remark or "").strip()[:500] or None
    attendance = db.session.scalar(select(Attendance).where(Attendance.session_id == meeting.id,
                                                            Attendance.user_id == user.id))
    if attendance is not None and attendance.status == status and attendance.remark == remark:
        return attendance
    previous = (attendance.status, attendance.remark) if attendance else (None, None)
    if attendance is None:
        attendance = Attendance(session_id=meeting.id, user_id=user.id, status=status)
        db.session.add(attendance)
    attendance.status, attendance.remark, attendance.method = status, remark, method
    attendance.recorded_by_id, attendance.recorded_at = (actor.id if actor else None), utcnow()
    db.session.flush()
    db.session.add(AttendanceChange(attendance_id=attendance.id, from_status=previous[0], to_status=status,
                                    from_remark=previous[1], to_remark=remark, method=method,
                                    actor_id=actor.id if actor else None))
    record_event("training.attendance_changed", actor=actor, obj=attendance,
                 before={"status": previous[0], "remark": previous[1]} if previous[0] else None,
                 after={"status": status, "remark": remark, "meeting": meeting.id, "user": user.id,
                        "method": method})
    db.session.flush()
    if meeting.course_id is not None:  # the signal's listeners (course completion) are about courses
        attendance_changed.send(attendance, actor=actor)
    return attendance


def mark_roster(meeting: TrainingSession, entries: dict[int, tuple[AttendanceStatus, str | None]],
                actor: User) -> int:
    """The trainer's roster form: set many people's attendance at once (only people on the roster)."""
    if not can_run_meeting(actor, meeting):
        raise DomainError(_l("You may only mark attendance at your own meetings."))
    if meeting.starts_at > utcnow() + timedelta(hours=1):
        raise DomainError(_l("Attendance can be marked from one hour before the meeting starts."))
    allowed = {user.id: user for user, _ in roster(meeting)}
    changed = 0
    for user_id, (status, remark) in entries.items():
        if user_id not in allowed:
            raise DomainError(_l("Only people on the roster can be marked (those enrolled in the course when the "
                                 "meeting started)."))
        before = db.session.scalar(select(Attendance.id).where(Attendance.session_id == meeting.id,
                                                               Attendance.user_id == user_id,
                                                               Attendance.status == status,
                                                               func.coalesce(Attendance.remark, "")
                                                               == ((remark or "").strip()[:500])))
        if before is None:
            record_attendance(meeting, allowed[user_id], status, remark, actor, AttendanceMethod.ROSTER)
            changed += 1
    return changed


def attendance_rate(user_id: int, course_id: int, until: datetime | None = None) -> float | None:
    """Share of the held meetings the person belongs to (``membership``) that they attended (present or late).

    Excused absences are left out of the denominator (an excused person is neither penalised nor credited);
    cancelled and future meetings, and those held before the person was enrolled, do not count. None when no
    meeting they belong to has been held yet.
    """
    return attendance_rates(user_id, [course_id], until)[course_id]


def attendance_rates(user_id: int, course_ids: list[int], until: datetime | None = None) -> dict[int, float | None]:
    """``attendance_rate`` for several courses of one person, in one query whatever their number."""
    return rates_of(course_ids, db.session.execute(held_statement(), held_values(user_id, course_ids, until)))


def held_values(user_id: int, course_ids: list[int], until: datetime | None = None) -> dict:
    """The values ``held_statement`` is executed with."""
    return {"user_id": user_id, "course_ids": course_ids or [-1], "until": until or utcnow()}


def rates_of(course_ids: list[int], held: Iterable) -> dict[int, float | None]:
    """The attendance rate per course from the rows of ``held_statement`` ((course id, status) pairs)."""
    counted: dict[int, list] = {course_id: [] for course_id in course_ids}
    for course_id, status in held:
        if status != AttendanceStatus.EXCUSED:
            counted[course_id].append(status)
    return {course_id: (sum(1 for s in statuses if s in ATTENDED) / len(statuses) if statuses else None)
            for course_id, statuses in counted.items()}


@cache
def held_statement(*leading) -> Select:
    """One person's held meetings and attendance in some courses, as (course id, status) after ``leading``
    columns (a caller that adds this to a UNION of its own tells its rows apart by them); built once (every
    trainee's dashboard and course completion ask it: building it cost more than running it), values bound at
    execution (``held_values``)."""
    person = bindparam("user_id")
    held = with_meetings(select(*leading, TrainingSession.course_id, Attendance.status).select_from(Enrolment),
                         Enrolment.user_id == person)
    return held.outerjoin(Attendance, (Attendance.session_id == TrainingSession.id)
                          & (Attendance.user_id == Enrolment.user_id)).where(
        Enrolment.user_id == person, Enrolment.course_id.in_(bindparam("course_ids", expanding=True)),
        TrainingSession.status == MeetingStatus.SCHEDULED, TrainingSession.starts_at <= bindparam("until"))


def upcoming_meetings(user: User, limit: int = 20, with_courses: bool = True) -> list[TrainingSession]:
    """The person's next meetings in their current courses. ``with_courses=False``: the caller has those courses
    in the session already (a meeting's course is then found there, not joined into the query)."""
    return list(db.session.scalars(_upcoming_statement(with_courses),
                                   {"user_id": user.id, "now": utcnow(), "limit": limit}))


@cache
def _upcoming_statement(with_courses: bool) -> Select:
    query = (select(TrainingSession).join(
        Enrolment, (Enrolment.course_id == TrainingSession.course_id) & (Enrolment.user_id == bindparam("user_id")))
        .where(Enrolment.status == EnrolmentStatus.ENROLLED, TrainingSession.ends_at >= bindparam("now"))
        .order_by(TrainingSession.starts_at).limit(bindparam("limit")))
    # The lists name each meeting's course (same query).
    return query.options(joinedload(TrainingSession.course)) if with_courses else query


def _move_attendance(source: User, target: User) -> None:
    taken = set(db.session.scalars(select(Attendance.session_id).where(Attendance.user_id == target.id)))
    for attendance in db.session.scalars(select(Attendance).where(Attendance.user_id == source.id)):
        if attendance.session_id in taken:
            continue  # the kept account's own record of that meeting wins; the other stays with the old record
        attendance.user_id = target.id
    db.session.flush()


register_merge_step(_move_attendance)


SCANS = FileRule("sheets", {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}, 25 * 2**20,
                 wrong_type=_l("Upload the scan as a PDF, JPG or PNG file."),
                 too_large=_l("The scan is too large (at most 25 MB)."), default_name="scan")


def store_signed_sheet(meeting: TrainingSession, filename: str, stream, actor: User):
    """Keep a scan of the signed paper sheet (PDF/JPEG/PNG by content); earlier scans stay."""
    from app.training.models import SignedSheet

    if not can_run_meeting(actor, meeting):
        raise DomainError(_l("You may only change your own meetings."))
    return store_upload(SignedSheet(session_id=meeting.id), stream, filename, SCANS, actor=actor,
                        action="training.signed_sheet_uploaded", about=meeting)
