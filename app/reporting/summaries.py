"""Per-enrolment summaries (``EnrolmentSummary``), kept right on every write, in the writer's transaction.

The owning domains do not know about reporting. Reporting watches the ORM session: after each flush it notes the
enrolments touched by new, changed or deleted attendance, lesson progress, quiz attempts, enrolments, enrolment
history and meetings (a meeting's time, status or course changes which meetings people belong to); before the
transaction commits it recomputes those enrolments' summaries with a few grouped queries. Writes the ORM does not
see (Core ``INSERT … ON CONFLICT``) are announced through ``app.core.changes.mark`` and handled the same way.

``rebuild`` recomputes every summary (``flask reporting rebuild-summaries``, ``app.reporting.cli``: after the
migration that adds the table, after a restore or a bulk load that bypassed the session, or if one is ever
suspected wrong).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from sqlalchemy import and_, bindparam, case, delete, event, func, insert, inspect, select, tuple_, update
from sqlalchemy.orm import Session

from app.core import changes
from app.enrolment.models import Enrolment, EnrolmentEvent
from app.extensions import db
from app.learning.models import LessonProgress, QuizAttempt
from app.reporting.models import EnrolmentSummary
from app.training.membership import enrolled_periods, with_meetings
from app.training.models import ATTENDED, Attendance, AttendanceStatus, MeetingStatus, TrainingSession

PENDING = "reporting.summaries"
#: Meeting fields that decide who belongs to a meeting, whether it counts and for how long.
MEETING_FIELDS = ("course_id", "starts_at", "ends_at", "status")
CHUNK = 500


class Pending:
    """What the current transaction touched, until it commits."""

    def __init__(self) -> None:
        self.pairs: set[tuple[int, int]] = set()  # (user, course): enrolments changed
        self.gone: set[tuple[int, int]] = set()  # (user, course): enrolments deleted
        self.lessons: set[tuple[int, int]] = set()  # (user, course): lesson progress (only moments change)
        self.quizzes: set[int] = set()  # users: quiz attempts (only moments change, of every enrolment)
        self.attendance: set[tuple[int, int]] = set()  # (user, meeting)
        self.users: set[int] = set()  # every enrolment of the person (quiz attempts are not per course)
        self.courses: set[int] = set()  # every enrolment of the course (its meetings changed)
        self.enrolments: set[int] = set()

    def __bool__(self) -> bool:
        return bool(self.pairs or self.gone or self.lessons or self.quizzes or self.attendance or self.users
                    or self.courses or self.enrolments)


def _pending(session: Session) -> Pending:
    pending = session.info.get(PENDING)
    if pending is None:
        pending = session.info[PENDING] = Pending()
    return pending


def _values(obj, name: str) -> list:
    """The attribute's current value and the one it had before this flush (if changed)."""
    history = inspect(obj).attrs[name].history
    values = [*history.added, *history.unchanged, *history.deleted]
    return [v for v in values if v is not None] or [getattr(obj, name, None)]


def _note(session: Session, obj, changed: bool, deleted: bool = False) -> None:
    pending = _pending(session)
    if isinstance(obj, Attendance):
        pending.attendance.update((u, s) for u in _values(obj, "user_id") for s in _values(obj, "session_id"))
    elif isinstance(obj, LessonProgress):
        pending.lessons.update((u, c) for u in _values(obj, "user_id") for c in _values(obj, "course_id"))
    elif isinstance(obj, QuizAttempt):
        pending.quizzes.update(_values(obj, "user_id"))
    elif isinstance(obj, Enrolment):
        # Status and completion are read from the enrolment itself (and who belongs to which meeting from its
        # history, ``EnrolmentEvent``): only a new, deleted or moved enrolment changes its summary.
        state = inspect(obj)
        if changed and not any(state.attrs[name].history.has_changes() for name in ("user_id", "course_id")):
            return
        pairs = {(u, c) for u in _values(obj, "user_id") for c in _values(obj, "course_id")}
        pending.pairs.update(pairs)
        if deleted:
            pending.gone.update(pairs)
    elif isinstance(obj, EnrolmentEvent):
        pending.enrolments.update(_values(obj, "enrolment_id"))
    elif isinstance(obj, TrainingSession):
        state = inspect(obj)
        if not changed or any(state.attrs[name].history.has_changes() for name in MEETING_FIELDS):
            pending.courses.update(c for c in _values(obj, "course_id") if c is not None)


TRACKED = (Attendance, LessonProgress, QuizAttempt, Enrolment, EnrolmentEvent, TrainingSession)


def _after_flush(session: Session, _context) -> None:
    for obj in session.new:
        if isinstance(obj, TRACKED):
            _note(session, obj, changed=False)
    for obj in session.deleted:
        if isinstance(obj, TRACKED):
            _note(session, obj, changed=False, deleted=True)
    for obj in session.dirty:
        if isinstance(obj, TRACKED) and session.is_modified(obj, include_collections=False):
            _note(session, obj, changed=True)


def settle(session: Session) -> None:
    """Bring the summaries up to date with what this transaction wrote so far: before it commits, and before a
    report reads them in the middle of one (a service that wrote and then reads figures sees its own writes)."""
    if session.new or session.dirty or session.deleted:
        session.flush()
    pending = session.info.pop(PENDING, None)
    if pending:
        refresh(pending, session)


def _before_commit(session: Session) -> None:
    settle(session)


def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:  # the whole transaction is over (committed or rolled back)
        session.info.pop(PENDING, None)


def _core_writes(keys: list) -> None:
    """``changes.mark("lesson_progress", [(user_id, course_id), ...])``: a Core statement wrote lesson progress."""
    _pending(db.session()).lessons.update(keys)


#: Attributes naming whose summary a row feeds: their previous value is loaded when they change (active history),
#: so a record moved to another person or course updates the summaries on both sides.
KEYS = (Attendance.user_id, Attendance.session_id, LessonProgress.user_id, LessonProgress.course_id,
        QuizAttempt.user_id, Enrolment.user_id, Enrolment.course_id, EnrolmentEvent.enrolment_id,
        TrainingSession.course_id)


def _keep_previous(target, value, oldvalue, initiator):
    return value


def init_app(app) -> None:
    if not event.contains(Session, "after_flush", _after_flush):
        for attribute in KEYS:
            event.listen(attribute, "set", _keep_previous, active_history=True, retval=True)
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_transaction_end", _after_transaction_end)
    changes.subscribe("lesson_progress", _core_writes)


# -- recomputing -------------------------------------------------------------------------------------------------
def _chunks(values: Iterable, size: int = CHUNK) -> Iterable[list]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _enrolment_ids(pending: Pending, session: Session) -> set[int]:
    """The enrolments whose summaries the pending changes touch (whatever their status)."""
    pairs = set(pending.pairs)
    if pending.attendance:
        courses = {}
        for meetings in _chunks({m for _u, m in pending.attendance}):
            courses.update(session.execute(select(TrainingSession.id, TrainingSession.course_id)
                                           .where(TrainingSession.id.in_(meetings))).all())
        pairs.update((u, courses[m]) for u, m in pending.attendance if courses.get(m) is not None)
    ids = set(pending.enrolments)
    conditions = [Enrolment.user_id.in_(chunk) for chunk in _chunks(pending.users)]
    conditions += [Enrolment.course_id.in_(chunk) for chunk in _chunks(pending.courses)]
    conditions += [tuple_(Enrolment.user_id, Enrolment.course_id).in_(chunk) for chunk in _chunks(pairs)]
    for condition in conditions:
        ids.update(session.scalars(select(Enrolment.id).where(condition)))
    return ids


def refresh(pending: Pending, session: Session | None = None) -> int:
    """Recompute the summaries of the enrolments ``pending`` touched; drop those of enrolments gone."""
    session = session or db.session()
    ids = _enrolment_ids(pending, session)
    for chunk in _chunks(pending.gone):  # enrolments deleted in this transaction leave no summary behind
        session.execute(delete(EnrolmentSummary).where(
            tuple_(EnrolmentSummary.user_id, EnrolmentSummary.course_id).in_(chunk),
            EnrolmentSummary.enrolment_id.not_in(select(Enrolment.id))))
    _update_moments(session, pending)
    for chunk in _chunks(sorted(ids)):
        _write(session, compute(session, Enrolment.id.in_(chunk)), chunk)
    return len(ids)


def _later(first, second):
    """The later of two moments, either may be missing (SQL; SQLite's MAX of several is NULL if any is)."""
    return case((first.is_(None), second), (second.is_(None), first), (first > second, first), else_=second)


@cache
def _moment_statements() -> tuple:
    """The two UPDATEs of the last moments, built once (a lesson page runs one on every visit; building it cost
    more than running it) and executed with each (person, course) or person as parameters."""
    summary = EnrolmentSummary.__table__.c
    lesson = (select(func.max(LessonProgress.last_opened_at))
              .where(LessonProgress.user_id == summary.user_id, LessonProgress.course_id == summary.course_id)
              .scalar_subquery())
    lessons = update(EnrolmentSummary.__table__).where(
        summary.user_id == bindparam("person"), summary.course_id == bindparam("course")).values(
        last_lesson_at=lesson, last_activity_at=_later(_later(summary.last_seen_at, lesson), summary.last_quiz_at))
    quiz = select(func.max(QuizAttempt.started_at)).where(QuizAttempt.user_id == summary.user_id).scalar_subquery()
    quizzes = update(EnrolmentSummary.__table__).where(summary.user_id == bindparam("person")).values(
        last_quiz_at=quiz, last_activity_at=_later(_later(summary.last_seen_at, summary.last_lesson_at), quiz))
    return lessons, quizzes


def _update_moments(session: Session, pending: Pending) -> None:
    """Lesson progress and quiz attempts change only the last moments: an UPDATE per (person, course) or
    person, not a recomputation (a lesson page records every visit)."""
    lessons, quizzes = _moment_statements()
    if pending.lessons:
        session.execute(lessons, [{"person": u, "course": c} for u, c in sorted(pending.lessons)])
    if pending.quizzes:
        session.execute(quizzes, [{"person": u} for u in sorted(pending.quizzes)])


def rebuild(session: Session | None = None) -> int:
    """Recompute every summary (a few grouped queries over everything)."""
    session = session or db.session()
    rows = compute(session)
    session.execute(delete(EnrolmentSummary))
    if rows:
        session.execute(insert(EnrolmentSummary), rows)
    return len(rows)


def _write(session: Session, rows: list[dict], ids: list[int]) -> None:
    session.execute(delete(EnrolmentSummary).where(EnrolmentSummary.enrolment_id.in_(ids)))
    if rows:
        session.execute(insert(EnrolmentSummary), rows)


def hours_between(start_column, end_column):
    """Hours between two timestamp columns, in the database's own date arithmetic."""
    if db.engine.dialect.name == "postgresql":
        return func.extract("epoch", end_column - start_column) / 3600.0
    return (func.julianday(end_column) - func.julianday(start_column)) * 24.0


def compute(session: Session, *only) -> list[dict]:
    """The summary rows of the enrolments matching ``only`` (conditions on ``Enrolment``; none: all)."""
    scheduled = TrainingSession.status == MeetingStatus.SCHEDULED
    attended = and_(scheduled, Attendance.status.in_(ATTENDED))
    count = lambda condition: func.coalesce(func.sum(case((condition, 1), else_=0)), 0)  # noqa: E731
    meetings = with_meetings(select(
        Enrolment.id, count(scheduled), count(attended),
        count(and_(scheduled, Attendance.status == AttendanceStatus.EXCUSED)),
        func.coalesce(func.sum(case((attended, hours_between(TrainingSession.starts_at, TrainingSession.ends_at)),
                                    else_=0)), 0),
        func.max(Attendance.recorded_at)).select_from(Enrolment), *only) \
        .outerjoin(Attendance, and_(Attendance.session_id == TrainingSession.id,
                                    Attendance.user_id == Enrolment.user_id)) \
        .where(*only).group_by(Enrolment.id)
    by_meetings = {row[0]: row[1:] for row in session.execute(meetings)}
    # An enrolment in an open period (enrolled now) belongs to every meeting still to come.
    periods = enrolled_periods(*only)
    open_ids = set(session.scalars(select(periods.c.enrolment_id).where(periods.c.until.is_(None))))
    lessons = dict(session.execute(
        select(Enrolment.id, func.max(LessonProgress.last_opened_at)).select_from(Enrolment)
        .join(LessonProgress, and_(LessonProgress.user_id == Enrolment.user_id,
                                   LessonProgress.course_id == Enrolment.course_id))
        .where(*only).group_by(Enrolment.id)).all())
    quizzes = dict(session.execute(
        select(Enrolment.id, func.max(QuizAttempt.started_at)).select_from(Enrolment)
        .join(QuizAttempt, QuizAttempt.user_id == Enrolment.user_id).where(*only).group_by(Enrolment.id)).all())
    rows = []
    for enrolment_id, user_id, course_id in session.execute(
            select(Enrolment.id, Enrolment.user_id, Enrolment.course_id).where(*only)):
        count_meetings, count_attended, count_excused, hours, seen = by_meetings.get(enrolment_id,
                                                                                     (0, 0, 0, 0, None))
        lesson, quiz = lessons.get(enrolment_id), quizzes.get(enrolment_id)
        moments = [t for t in (seen, lesson, quiz) if t is not None]
        rows.append({"enrolment_id": enrolment_id, "user_id": user_id, "course_id": course_id,
                     "meetings": int(count_meetings), "attended": int(count_attended),
                     "excused": int(count_excused), "attended_hours": float(hours or 0),
                     "open_period": enrolment_id in open_ids, "last_seen_at": seen, "last_lesson_at": lesson,
                     "last_quiz_at": quiz, "last_activity_at": max(moments) if moments else None})
    return rows
