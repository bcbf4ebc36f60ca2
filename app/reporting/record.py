"""One trainee's full record (enrolments, progress, attendance, placements, certificates) and the placement
register export."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts.models import User
from app.catalogue.models import Course, Lesson
from app.certificates.models import Certificate
from app.core.exports import Column
from app.core.translated import pick
from app.core.urls import id_arg
from app.enrolment.models import Enrolment
from app.extensions import db
from app.learning.models import LessonProgress, QuizAttempt
from app.network.models import Company
from app.placements import lifecycle as placement_services
from app.placements.models import EntryStatus, LogbookEntry, Placement, PlacementStatus
from app.training.membership import with_meetings
from app.training.models import Attendance, TrainingSession
from app.training.services import attendance_rate


@dataclass
class CourseLine:
    enrolment: Enrolment
    course: Course
    lessons_done: int
    lessons_total: int
    quizzes_passed: int
    attendance: float | None


@dataclass
class Record:
    enrolments: list[CourseLine] = field(default_factory=list)
    attendance: list[tuple[TrainingSession, Attendance | None]] = field(default_factory=list)
    #: The meetings the person belongs to (``training.membership``); the others were held before they enrolled.
    member_of: set[int] = field(default_factory=set)
    placements: list[Placement] = field(default_factory=list)
    certificates: list[Certificate] = field(default_factory=list)


def trainee_record(user: User, course_ids: frozenset[int] | None) -> Record:
    record = Record()
    query = select(Enrolment, Course).join(Course, Course.id == Enrolment.course_id).where(
        Enrolment.user_id == user.id).order_by(Enrolment.created_at)
    if course_ids is not None:
        query = query.where(Course.id.in_(sorted(course_ids) or [-1]))
    rows = list(db.session.execute(query))
    ids = [course.id for _, course in rows]
    done = dict(db.session.execute(select(LessonProgress.course_id, func.count()).where(
        LessonProgress.user_id == user.id, LessonProgress.completed_at.is_not(None),
        LessonProgress.course_id.in_(ids or [-1])).group_by(LessonProgress.course_id)).all())
    totals = dict(db.session.execute(select(Lesson.course_id, func.count()).where(
        Lesson.course_id.in_(ids or [-1])).group_by(Lesson.course_id)).all())
    from app.learning.models import Quiz

    passed = dict(db.session.execute(select(Quiz.course_id, func.count(func.distinct(QuizAttempt.quiz_id)))
                                     .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
                                     .where(QuizAttempt.user_id == user.id, QuizAttempt.passed.is_(True),
                                            Quiz.course_id.in_(ids or [-1])).group_by(Quiz.course_id)).all())
    for enrolment, course in rows:
        record.enrolments.append(CourseLine(enrolment, course, done.get(course.id, 0), totals.get(course.id, 0),
                                            passed.get(course.id, 0), attendance_rate(user.id, course.id)))
    record.attendance = list(db.session.execute(
        select(TrainingSession, Attendance).outerjoin(Attendance, (Attendance.session_id == TrainingSession.id)
                                                      & (Attendance.user_id == user.id))
        .where(TrainingSession.course_id.in_(ids or [-1])).order_by(TrainingSession.starts_at)))
    record.member_of = set(db.session.scalars(with_meetings(select(TrainingSession.id).select_from(Enrolment),
                                                              Enrolment.user_id == user.id).where(
        Enrolment.user_id == user.id, Enrolment.course_id.in_(ids or [-1]))))
    if course_ids is None:
        record.placements = list(db.session.scalars(select(Placement).where(Placement.trainee_id == user.id)
                                                    .order_by(Placement.starts_on)))
        record.certificates = list(db.session.scalars(select(Certificate).where(Certificate.user_id == user.id)
                                                      .order_by(Certificate.completed_at)))
    return record


def placement_register(args) -> tuple[list[Column], object]:
    """The coordinators' placement register with its filters, one query (confirmed hours aggregated)."""
    criteria = placement_services.PlacementFilter(
        status=args.get("status") if args.get("status") in {s.value for s in PlacementStatus} else None,
        country_pair=args.get("pair") if args.get("pair") in ("PL-LT", "LT-PL", "PL-PL", "LT-LT") else None,
        company_id=id_arg(args, "company"), specialisation_id=id_arg(args, "specialisation"))
    ids = placement_services.filtered(criteria).with_only_columns(Placement.id).order_by(None).subquery()
    hours = (select(LogbookEntry.placement_id, func.sum(LogbookEntry.hours).label("hours"))
             .where(LogbookEntry.status == EntryStatus.CONFIRMED).group_by(LogbookEntry.placement_id).subquery())
    from app.catalogue.models import Specialisation

    query = (select(User.full_name, User.country, Company.name, Company.country, Specialisation.title,
                    Placement.starts_on, Placement.ends_on, Placement.planned_hours, hours.c.hours, Placement.status)
             .select_from(Placement).join(User, User.id == Placement.trainee_id)
             .join(Company, Company.id == Placement.company_id)
             .join(Specialisation, Specialisation.id == Placement.specialisation_id)
             .outerjoin(hours, hours.c.placement_id == Placement.id)
             .where(Placement.id.in_(select(ids.c.id))).order_by(Placement.starts_on.desc(), Placement.id))
    labels = placement_services.STATUS_LABELS()
    columns = [Column("trainee", _("Trainee")), Column("trainee_country", _("Trainee's country")),
               Column("company", _("Host company")), Column("company_country", _("Company's country")),
               Column("specialisation", _("Specialisation")), Column("from", _("From"), "date"),
               Column("to", _("To"), "date"), Column("planned", _("Planned hours"), "int"),
               Column("confirmed", _("Confirmed hours"), "float"), Column("status", _("Status")),
               Column("cross_border", _("Cross-border"))]

    def rows():  # runs when the export is written: after the seam has committed the export's audit entry
        for name, home, firm, host, title, start, end, planned, confirmed, status in db.session.execute(query):
            yield (name, home.value, firm, host.value, pick(title), start, end, planned, float(confirmed or 0),
                   str(labels[status]), _("yes") if home != host else _("no"))

    return columns, rows()
