"""Reports and exports run the same number of SQL queries for 10 and for 1,000 trainees."""

from datetime import date, timedelta

from sqlalchemy import event, insert

from app.accounts.models import Country, User
from app.core.db import utcnow
from app.core.permissions import Role
from app.enrolment.models import Enrolment, EnrolmentStatus
from app.extensions import db
from app.learning.models import LessonProgress
from app.placements.models import EntryStatus, LogbookEntry, Placement, PlacementStatus
from app.reporting.summaries import rebuild
from app.training.models import Attendance, AttendanceMethod, AttendanceStatus
from tests.factories import create_user
from tests.factories.catalogue import create_course, first_lesson, get_specialisation
from tests.factories.placements import create_company
from tests.factories.training import create_meeting
from tests.querycount import count_queries
from tests.workoff import work_off

STATUSES = [AttendanceStatus.PRESENT, AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED, AttendanceStatus.LATE]


def add_trainees(first: int, count: int, courses, meetings, companies) -> None:
    """Bulk-insert trainees with enrolments, attendance, lesson progress and some placements."""
    now = utcnow()
    ids = db.session.scalars(insert(User).returning(User.id), [
        {"email": f"bulk{n}@example.com", "full_name": f"Kursant Żółć {n}", "role": Role.TRAINEE,
         "country": Country.PL if n % 2 else Country.LT, "language": "pl", "timezone": "Europe/Warsaw",
         "company_name": f"Firma {n % 7}", "is_active": True} for n in range(first, first + count)]).all()
    enrolment_rows, attendance_rows, progress_rows, placement_rows = [], [], [], []
    for index, user_id in enumerate(ids):
        course = courses[index % len(courses)]
        enrolment_rows.append({"user_id": user_id, "course_id": course.id, "status": EnrolmentStatus.ENROLLED,
                               "created_at": now - timedelta(days=30),
                               "completed_at": now - timedelta(days=1) if index % 3 == 0 else None})
        for number, meeting in enumerate(meetings[course.id]):
            attendance_rows.append({"session_id": meeting.id, "user_id": user_id,
                                    "status": STATUSES[(index + number) % 4], "method": AttendanceMethod.ROSTER})
        if index % 2:
            progress_rows.append({"user_id": user_id, "lesson_id": first_lesson(course).id, "course_id": course.id,
                                  "first_opened_at": now - timedelta(days=20 * (index % 3)),
                                  "last_opened_at": now - timedelta(days=20 * (index % 3))})
        if index % 10 == 0:
            placement_rows.append({"trainee_id": user_id, "company_id": companies[index % 2].id,
                                   "specialisation_id": course.specialisation_id,
                                   "starts_on": date(2026, 6, 1), "ends_on": date(2026, 6, 30),
                                   "planned_hours": 160, "status": PlacementStatus.COMPLETED})
    db.session.execute(insert(Enrolment), enrolment_rows)
    db.session.execute(insert(Attendance), attendance_rows)
    if progress_rows:
        db.session.execute(insert(LessonProgress), progress_rows)
    if placement_rows:
        placement_ids = db.session.scalars(insert(Placement).returning(Placement.id), placement_rows).all()
        db.session.execute(insert(LogbookEntry), [
            {"placement_id": pid, "day": date(2026, 6, 2), "hours": 8, "tasks": "Work",
             "status": EntryStatus.CONFIRMED} for pid in placement_ids])
    rebuild()  # bulk Core inserts pass by the session's bookkeeping, as ``flask bench-data`` does
    db.session.commit()


PAGES = ["/reports/", "/reports/?country=PL&specialisation={spec}", "/reports/at-risk", "/reports/at-risk?page=2",
         "/reports/people?figure=enrolled", "/reports/people?figure=completed&company=Firma 3",
         "/reports/export/people.xlsx?figure=enrolled", "/reports/export/people.csv?figure=placements",
         "/reports/export/at-risk.csv", "/reports/export/figures-company.xlsx",
         "/reports/export/attendance-{course}.xlsx", "/reports/export/placements.csv",
         "/reports/export/indicators.csv", "/reports/summary.pdf", "/placements/"]


def test_reports_do_not_query_per_trainee(client, login, db):
    courses = [create_course(specialisation="cnc"), create_course(specialisation="welding")]
    meetings = {c.id: [create_meeting(c, starts_at=utcnow() - timedelta(days=d)) for d in (20, 10, 5)]
                for c in courses}
    for course in courses:
        create_meeting(course, starts_at=utcnow() + timedelta(days=5))
    companies = [create_company(Country.LT, capacity=1000), create_company(Country.PL, capacity=1000)]
    from app.reporting.demo import seed_demo_indicators

    seed_demo_indicators()
    db.session.commit()
    login(create_user(Role.COORDINATOR))
    paths = [p.format(spec=get_specialisation("cnc").id, course=courses[0].id) for p in PAGES]

    add_trainees(0, 10, courses, meetings, companies)
    count_queries(client, paths[0])  # the first page after login also asks whether to show the mentor menu
    small = {path: measure(client, path) for path in paths}
    add_trainees(10, 990, courses, meetings, companies)
    large = {path: measure(client, path) for path in paths}
    assert large == small


def measure(client, path: str) -> int | tuple[int, int]:
    """The request's queries; for an XLSX export also the SELECTs of the worker that builds it (its progress writes
    follow the clock, not the data)."""
    if ".xlsx" not in path or "indicators" in path:
        return count_queries(client, path)
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    asked = count_queries(client, path)
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert work_off("downloads.build") == ["done"]
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return asked, sum(1 for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH")))
