"""Enrolment rules: open, by approval, or closed courses; capacity with a waiting list; history of every change.

Capacity holds under concurrent requests: every change that can take a place locks the course row first
(``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite serialises writers anyway), counts, then decides.
The person whose enrolment someone else changed is told where the change happens (``notify``: in MCC, and by mail
as they prefer, once the transaction has committed); a trainee who acted themselves sees the outcome on the page,
and a bulk import tells nobody (new addresses get their invitation instead). Kinds: ``app.enrolment.notices``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased, selectinload

from app.accounts.models import User
from app.catalogue.models import Course, CourseStatus, EnrolmentPolicy
from app.core.audit import record_event
from app.core.db import fixed, utcnow
from app.core.errors import DomainError
from app.core.urls import path_for
from app.enrolment.models import Enrolment, EnrolmentEvent, EnrolmentStatus
from app.enrolment.policies import can_enrol_others, can_manage_enrolments, can_withdraw
from app.extensions import db
from app.notifications.services import notify

#: Statuses from which a person may ask again (the same row is reused, its history grows).
REOPENABLE = (EnrolmentStatus.WITHDRAWN, EnrolmentStatus.REJECTED)


@dataclass
class Outcome:
    enrolment: Enrolment
    #: Enrolments that got a place from the waiting list because of this change (they have been told).
    promoted: list[Enrolment] = field(default_factory=list)


def _lock_course(course: Course) -> Course:
    """Take the course row lock so two requests cannot both take the last place."""
    return db.session.scalars(select(Course).where(Course.id == course.id).with_for_update()).one()


def enrolled_count(course: Course) -> int:
    return db.session.scalar(select(func.count()).select_from(Enrolment).where(
        Enrolment.course_id == course.id, Enrolment.status == EnrolmentStatus.ENROLLED)) or 0


def has_free_place(course: Course) -> bool:
    return course.capacity is None or enrolled_count(course) < course.capacity


def find_enrolment(user: User, course: Course) -> Enrolment | None:
    return db.session.scalar(select(Enrolment).where(Enrolment.user_id == user.id, Enrolment.course_id == course.id))


def _change(enrolment: Enrolment, status: EnrolmentStatus, actor: User | None, source: str,
            reason: str | None = None) -> None:
    previous = enrolment.status if enrolment.id else None
    enrolment.status = status
    enrolment.status_changed_at = utcnow()
    db.session.add(enrolment)
    db.session.flush()
    db.session.add(EnrolmentEvent(enrolment_id=enrolment.id, from_status=previous, to_status=status,
                                  actor_id=actor.id if actor else None, reason=reason, source=source))
    record_event("enrolment.status_changed", actor=actor, obj=enrolment,
                 before={"status": previous} if previous else None,
                 after={"status": status, "course": enrolment.course_id, "user": enrolment.user_id,
                        "source": source, "reason": reason})
    db.session.flush()


#: What the person is told when their enrolment reaches a status (a place from the waiting list: "promoted").
STATUS_NOTICES = {EnrolmentStatus.ENROLLED: "enrolment.enrolled", EnrolmentStatus.WAITLISTED: "enrolment.waitlisted",
                  EnrolmentStatus.REJECTED: "enrolment.rejected", EnrolmentStatus.WITHDRAWN: "enrolment.withdrawn"}


def _tell(enrolment: Enrolment, kind: str | None = None, reason: str | None = None) -> None:
    """Tell the person the status their enrolment just reached."""
    notify([enrolment.user], kind or STATUS_NOTICES[enrolment.status],
           {"course": enrolment.course.title, **({"reason": reason} if reason else {})},
           link=path_for("learning.course", course_id=enrolment.course_id))


def _tell_trainers(enrolment: Enrolment) -> None:
    """A request for an approval course: its trainers decide."""
    course = enrolment.course
    notify(course.trainers, "enrolment.requested", {"name": enrolment.user.full_name, "course": course.title},
           link=path_for("enrolment.course_enrolments", course_id=course.id))


def _place_or_waitlist(enrolment: Enrolment, course: Course, actor: User | None, source: str) -> None:
    status = EnrolmentStatus.ENROLLED if has_free_place(course) else EnrolmentStatus.WAITLISTED
    _change(enrolment, status, actor, source)


def _open_enrolment(user: User, course: Course) -> Enrolment:
    enrolment = find_enrolment(user, course)
    if enrolment is None:
        return Enrolment(user_id=user.id, course_id=course.id, status=EnrolmentStatus.REQUESTED)
    if enrolment.status not in REOPENABLE:
        raise DomainError(_l("You are already registered for this course."))
    return enrolment


def request_enrolment(user: User, course: Course) -> Outcome:
    """A trainee enrols in an open course (or joins its waiting list) or asks to join an approval course."""
    if course.status != CourseStatus.PUBLISHED:
        raise DomainError(_l("This course is not open for enrolment."))
    if not user.is_active:
        raise DomainError(_l("This account is not active."))
    if course.enrolment_policy == EnrolmentPolicy.CLOSED:
        raise DomainError(_l("Participants of this course are enrolled by the coordinators."))
    course = _lock_course(course)
    enrolment = _open_enrolment(user, course)
    if course.enrolment_policy == EnrolmentPolicy.APPROVAL:
        _change(enrolment, EnrolmentStatus.REQUESTED, user, "self")
        _tell_trainers(enrolment)
    else:
        _place_or_waitlist(enrolment, course, user, "self")
    return Outcome(enrolment)


def enrol_participant(user: User, course: Course, actor: User, source: str = "coordinator") -> Outcome:
    """Coordinators enrol anyone in any course (capacity still applies: beyond it, the waiting list)."""
    if not can_enrol_others(actor):
        raise DomainError(_l("Only coordinators enrol other people."))
    if course.status == CourseStatus.ARCHIVED:
        raise DomainError(_l("This course is archived."))
    course = _lock_course(course)
    enrolment = find_enrolment(user, course)
    if enrolment is not None and enrolment.status in (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED):
        raise DomainError(_l("%(name)s is already registered for this course.", name=user.full_name))
    enrolment = enrolment or Enrolment(user_id=user.id, course_id=course.id, status=EnrolmentStatus.REQUESTED)
    _place_or_waitlist(enrolment, course, actor, source)
    if source != "bulk-import" and user.id != actor.id:
        _tell(enrolment)
    return Outcome(enrolment)


def approve(enrolment: Enrolment, actor: User) -> Outcome:
    """The course's trainers and the coordinators accept a request (a place, or the waiting list when full)."""
    course = enrolment.course
    if not can_manage_enrolments(actor, course):
        raise DomainError(_l("You may only decide on requests for courses you teach."))
    if enrolment.status != EnrolmentStatus.REQUESTED:
        raise DomainError(_l("This request has already been decided."))
    course = _lock_course(course)
    _place_or_waitlist(enrolment, course, actor, "approval")
    _tell(enrolment)
    return Outcome(enrolment)


def reject(enrolment: Enrolment, actor: User, reason: str) -> Outcome:
    """The same people refuse a request or a waiting place, always with a reason."""
    if not can_manage_enrolments(actor, enrolment.course):
        raise DomainError(_l("You may only decide on requests for courses you teach."))
    if enrolment.status not in (EnrolmentStatus.REQUESTED, EnrolmentStatus.WAITLISTED):
        raise DomainError(_l("This request has already been decided."))
    if not reason or not reason.strip():
        raise DomainError(_l("Please give the reason for the rejection."), field="reason")
    _change(enrolment, EnrolmentStatus.REJECTED, actor, "approval", reason.strip())
    _tell(enrolment, reason=reason.strip())
    return Outcome(enrolment)


def withdraw(enrolment: Enrolment, actor: User, reason: str | None = None) -> Outcome:
    """Leave a course (the trainee) or take someone out (coordinator); a freed place goes to the waiting list."""
    if not can_withdraw(actor, enrolment):
        raise DomainError(_l("Only coordinators unenrol other people."))
    if enrolment.status not in (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED, EnrolmentStatus.REQUESTED):
        raise DomainError(_l("This enrolment is not active."))
    course = _lock_course(enrolment.course)
    had_place = enrolment.status == EnrolmentStatus.ENROLLED
    is_self = actor.id == enrolment.user_id
    _change(enrolment, EnrolmentStatus.WITHDRAWN, actor, "self" if is_self else "coordinator",
            (reason or "").strip() or None)
    if not is_self:
        _tell(enrolment)
    promoted = promote_from_waiting_list(course) if had_place else []
    return Outcome(enrolment, promoted)


def promote_from_waiting_list(course: Course) -> list[Enrolment]:
    """Give free places to the longest-waiting people (call with the course row locked); each is told."""
    promoted = []
    while has_free_place(course):
        waiting = db.session.scalar(select(Enrolment).where(
            Enrolment.course_id == course.id, Enrolment.status == EnrolmentStatus.WAITLISTED)
            .order_by(Enrolment.status_changed_at, Enrolment.id).limit(1))
        if waiting is None:
            break
        _change(waiting, EnrolmentStatus.ENROLLED, None, "waitlist-promotion")
        _tell(waiting, "enrolment.promoted")
        promoted.append(waiting)
    return promoted


def waiting_position(enrolment: Enrolment) -> int | None:
    if enrolment.status != EnrolmentStatus.WAITLISTED:
        return None
    return (db.session.scalar(select(func.count()).select_from(Enrolment).where(
        Enrolment.course_id == enrolment.course_id, Enrolment.status == EnrolmentStatus.WAITLISTED,
        (Enrolment.status_changed_at < enrolment.status_changed_at)
        | ((Enrolment.status_changed_at == enrolment.status_changed_at) & (Enrolment.id < enrolment.id)))) or 0) + 1


@dataclass(frozen=True)
class EnrolmentBox:
    """What a course page shows a visitor about enrolling: their enrolment, waiting place, and free places."""

    enrolment: Enrolment | None
    waiting_position: int | None
    free_places: int | None


def enrolment_box(user: User, course: Course, loaded: tuple[Enrolment | None, int | None, int | None] | None = None
                  ) -> EnrolmentBox:
    """``loaded``: (the visitor's enrolment, its waiting position, the enrolled count) as read with the course by
    ``box_columns`` (the course page reads everything personal in one query); else they are looked up."""
    if loaded is not None:
        enrolment, position, enrolled = loaded
    else:
        enrolment = find_enrolment(user, course) if user.is_authenticated else None
        position = waiting_position(enrolment) if enrolment else None
        enrolled = enrolled_count(course) if course.capacity else None
    free = max(course.capacity - (enrolled or 0), 0) if course.capacity else None
    return EnrolmentBox(enrolment, position, free)


def box_columns(enrolment: type[Enrolment]) -> tuple:
    """(waiting position, enrolled count) as columns of a query on ``Course`` outer-joined to the visitor's
    ``enrolment`` (an entity or alias): counted only when they are shown (a waiting enrolment; a capacity)."""
    others = aliased(Enrolment)
    position = select(func.count() + 1).where(
        others.course_id == enrolment.course_id, others.status == fixed(EnrolmentStatus.WAITLISTED),
        (others.status_changed_at < enrolment.status_changed_at)
        | ((others.status_changed_at == enrolment.status_changed_at) & (others.id < enrolment.id))).scalar_subquery()
    enrolled = aliased(Enrolment)
    count = select(func.count()).where(enrolled.course_id == Course.id,
                                       enrolled.status == EnrolmentStatus.ENROLLED).scalar_subquery()
    return (case((enrolment.status == fixed(EnrolmentStatus.WAITLISTED), position), else_=None),
            case((Course.capacity.is_not(None), count), else_=None))


def active_enrolments(user: User) -> list[Enrolment]:
    return list(db.session.scalars(select(Enrolment).where(
        Enrolment.user_id == user.id, Enrolment.status != EnrolmentStatus.REJECTED)
        .options(selectinload(Enrolment.course)).order_by(Enrolment.created_at)))
