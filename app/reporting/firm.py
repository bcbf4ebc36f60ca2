"""The firm view: what a member firm's confirmed managers (and coordinators) see of the firm's own staff — people
whose employer is the firm: their enrolments and progress, attendance at meetings, certificates — and the
internships the firm hosted. Nothing about anyone else's people, and nothing the staff keep to themselves (e-mail,
gender, answers, messages, logbook texts); the privacy notice says so ("What your employer sees").

Each table is a fixed number of queries whatever the number of staff (the grouped queries of ``measures`` with
the firm's employer key as the scope).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import case, distinct, func, select

from app.accounts.models import Country, User
from app.certificates.models import Certificate
from app.core.exports import Column
from app.core.i18n import COUNTRY_LABELS
from app.enrolment.models import Enrolment
from app.extensions import db
from app.network.models import Company
from app.placements.models import Placement, PlacementStatus
from app.reporting import measures
from app.reporting.measures import Person, Scope


@dataclass
class StaffLine:
    """One employee's training, as the firm sees it."""

    user_id: int
    name: str
    country: Country
    courses: int = 0
    completed: int = 0
    expected: int = 0
    attended: int = 0
    excused: int = 0
    certificates: int = 0
    internships: int = 0

    @property
    def attendance_rate(self) -> float | None:
        return measures.rate(self.expected, self.attended, self.excused)


def firm_scope(company: Company) -> Scope:
    return Scope(company=f"{measures.MEMBER_KEY}{company.id}")


def is_staff(company: Company, person: User) -> bool:
    """The firm's own staff: the person's employer is the firm (and they were not erased)."""
    return person.employer_id == company.id and person.erased_at is None


def staff(company: Company) -> list[StaffLine]:
    """Every employee of the firm with their course, attendance, certificate and internship counts. Five queries."""
    lines = {user_id: StaffLine(user_id, name, country) for user_id, name, country in db.session.execute(
        select(User.id, User.full_name, User.country).where(User.employer_id == company.id,
                                                            User.erased_at.is_(None), User.merged_into_id.is_(None))
        .order_by(User.full_name, User.id))}
    scope = firm_scope(company)
    completed = func.count(distinct(case((Enrolment.completed_at.is_not(None), Enrolment.course_id))))
    for user_id, courses, done in db.session.execute(measures.enrolments(
            scope, Person.id, func.count(distinct(Enrolment.course_id)), completed).group_by(Person.id)):
        if (line := lines.get(user_id)) is not None:
            line.courses, line.completed = courses, done
    for user_id, expected, attended, excused in db.session.execute(
            measures.held_meeting_pairs(scope, Person.id, *measures.attendance_columns()).group_by(Person.id)):
        if (line := lines.get(user_id)) is not None:
            line.expected, line.attended, line.excused = expected, attended or 0, excused or 0
    for user_id, count in db.session.execute(
            select(Certificate.user_id, func.count()).where(Certificate.user_id.in_(list(lines) or [-1]),
                                                            Certificate.revoked_at.is_(None))
            .group_by(Certificate.user_id)):
        lines[user_id].certificates = count
    for user_id, count in db.session.execute(
            select(Placement.trainee_id, func.count()).where(Placement.trainee_id.in_(list(lines) or [-1]),
                                                             Placement.status != PlacementStatus.CANCELLED)
            .group_by(Placement.trainee_id)):
        lines[user_id].internships = count
    return list(lines.values())


@dataclass
class HostedPlacement:
    trainee: str
    trainee_country: Country
    starts_on: date
    ends_on: date
    status: PlacementStatus


def hosted_placements(company: Company) -> list[HostedPlacement]:
    """The internships the firm hosted (or will host), newest first. One query."""
    return [HostedPlacement(*row) for row in db.session.execute(
        select(User.full_name, User.country, Placement.starts_on, Placement.ends_on, Placement.status)
        .join(User, User.id == Placement.trainee_id)
        .where(Placement.company_id == company.id, Placement.status != PlacementStatus.CANCELLED)
        .order_by(Placement.starts_on.desc(), Placement.id))]


def staff_columns() -> list[Column]:
    return [Column("name", _("Name")), Column("country", _("Country")),
            Column("courses", _("Courses enrolled"), "int"), Column("completed", _("Courses completed"), "int"),
            Column("attendance", _("Attendance rate"), "percent"),
            Column("certificates", _("Certificates"), "int"), Column("internships", _("Internships"), "int")]


def staff_rows(lines: list[StaffLine]) -> Iterator[tuple]:
    for line in lines:
        yield (line.name, str(COUNTRY_LABELS[line.country.value]), line.courses, line.completed,
               line.attendance_rate, line.certificates, line.internships)
