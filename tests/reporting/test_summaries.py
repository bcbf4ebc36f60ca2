"""The per-enrolment summaries follow every write, and the figures read from them are the figures computed from
every record (``tests.reporting.oracle``) — after random operations through the real services, and as time passes.
"""

from __future__ import annotations

import random
from datetime import timedelta
from unittest import mock

import pytest
from sqlalchemy import select

from app.accounts.models import Country
from app.core.db import utcnow
from app.core.errors import DomainError
from app.core.permissions import Role
from app.enrolment import services as enrolment_services
from app.enrolment.models import Enrolment, EnrolmentStatus
from app.extensions import db
from app.learning import progress, quizzes
from app.reporting import measures, risk, summaries
from app.reporting.measures import Scope
from app.reporting.models import EnrolmentSummary
from app.training import services as training
from app.training.models import Attendance, AttendanceMethod, AttendanceStatus, MeetingStatus, TrainingSession
from tests.factories import create_user
from tests.factories.catalogue import create_course, get_specialisation
from tests.factories.enrolment import enrol
from tests.factories.learning import create_quiz
from tests.factories.training import create_meeting
from tests.reporting import oracle

STATUSES = list(AttendanceStatus)


def stored() -> dict[int, dict]:
    columns = [c.key for c in EnrolmentSummary.__table__.columns]
    return {row.enrolment_id: {k: getattr(row, k) for k in columns}
            for row in db.session.scalars(select(EnrolmentSummary).execution_options(populate_existing=True))}


def rebuilt() -> dict[int, dict]:
    return {row["enrolment_id"]: row for row in summaries.compute(db.session())}


def risk_view(entries) -> list[tuple]:
    return [(e.enrolment_id, e.user_id, e.course_id, e.last_activity, e.reasons) for e in entries]


def assert_figures_match(scopes) -> None:
    for scope in scopes:
        new = oracle.figures(scope)
        with oracle.pairs_only():
            old = oracle.figures(scope)
        assert new == old, scope
        expected = oracle.at_risk(scope)
        assert risk_view(risk.at_risk(scope)) == risk_view(expected), scope
        assert risk.at_risk_counts(scope) == (len(expected), len({e.user_id for e in expected}))
        paged = [entry for page in (1, 2, 3) for entry in risk.at_risk_page(scope, page, 3)]
        assert risk_view(paged) == risk_view(expected[:9])


@pytest.fixture
def school(db):
    trainer = create_user(Role.TRAINER, full_name="Trainer")
    coordinator = create_user(Role.COORDINATOR, full_name="Coordinator")
    welding = create_course(specialisation="welding", trainers=[trainer],
                            completion_rule={"min_attendance_percent": 60})
    cnc = create_course(specialisation="cnc", trainers=[trainer], ends_on=utcnow().date() - timedelta(days=1))
    people = [create_user(full_name=f"Person {n}", country=Country.PL if n % 2 else Country.LT,
                          company_name=f"Firm {n % 3}") for n in range(8)]
    for n, person in enumerate(people):
        if n < 6:
            enrol(person, welding, since=utcnow() - timedelta(days=30 if n % 2 else 12))
        if n >= 3:
            enrol(person, cnc)
    now = utcnow()
    meetings = [create_meeting(welding, trainer=trainer, starts_at=now + timedelta(days=d)) for d in (-20, -9, -3, 5)]
    meetings += [create_meeting(cnc, trainer=trainer, starts_at=now + timedelta(days=d), hours=2) for d in (-15, -2, 7)]
    quiz = create_quiz(welding, kinds=("true_false",))
    db.session.commit()
    return trainer, coordinator, (welding, cnc), people, meetings, quiz


def test_summaries_follow_random_operations_and_give_the_same_figures(db, school):
    trainer, coordinator, courses, people, meetings, quiz = school
    rng = random.Random(22)
    scopes = [Scope(), Scope(specialisation_id=get_specialisation("welding").id),
              Scope(course_ids=frozenset({courses[0].id})), Scope(country=Country.LT)]

    def mark():
        meeting = rng.choice(meetings)
        training.record_attendance(meeting, rng.choice(people), rng.choice(STATUSES), None, trainer,
                                   rng.choice(list(AttendanceMethod)))

    def roster():
        meeting = rng.choice([m for m in meetings if m.starts_at <= utcnow() and not m.is_cancelled] or meetings)
        entries = {user.id: (rng.choice(STATUSES), None) for user, _ in training.roster(meeting)}
        training.mark_roster(meeting, entries, trainer)

    def enrol_again():
        enrolment_services.enrol_participant(rng.choice(people), rng.choice(courses), coordinator)

    def withdraw():
        enrolment = rng.choice(db.session.scalars(select(Enrolment).where(
            Enrolment.status == EnrolmentStatus.ENROLLED)).all())
        enrolment_services.withdraw(enrolment, coordinator)

    def open_lesson():  # a Core INSERT ... ON CONFLICT: announced through app.core.changes
        course = rng.choice(courses)
        progress.lesson_opened(rng.choice(people), course.modules[0].lessons[rng.randrange(2)],
                               now=utcnow() - timedelta(days=rng.randrange(30)))

    def lesson_done():
        course = rng.choice(courses)
        progress.mark_done(rng.choice(people), course.modules[0].lessons[0])

    def take_quiz():
        quizzes.start_attempt(quiz, rng.choice(people))

    def cancel():
        meeting = rng.choice([m for m in meetings if not m.is_cancelled] or meetings)
        training.cancel_meeting(coordinator, meeting, "Illness")

    def reschedule():
        meeting = rng.choice(meetings)
        shift = timedelta(days=rng.choice([-8, -1, 3, 9]))
        meeting.starts_at, meeting.ends_at = meeting.starts_at + shift, meeting.ends_at + shift

    def new_meeting():
        meetings.append(create_meeting(rng.choice(courses), trainer=trainer,
                                       starts_at=utcnow() + timedelta(days=rng.choice([-4, -1, 2, 6]))))

    def complete():
        enrolment = rng.choice(db.session.scalars(select(Enrolment)).all())
        enrolment.completed_at = None if enrolment.completed_at else utcnow() - timedelta(days=1)

    def forget():
        attendance = db.session.scalars(select(Attendance)).first()
        if attendance is not None:
            for change in attendance.changes:
                db.session.delete(change)
            db.session.delete(attendance)

    operations = [mark, mark, mark, roster, enrol_again, withdraw, open_lesson, lesson_done, take_quiz, cancel,
                  reschedule, new_meeting, complete, forget]
    done = 0
    for step in range(45):
        operation = rng.choice(operations)
        try:
            operation()
            db.session.commit()
            done += 1
        except DomainError:
            db.session.rollback()
        assert stored() == rebuilt(), (step, operation.__name__)
        if step % 5 == 4:
            assert_figures_match(scopes)
    assert done > 25  # most operations went through
    assert_figures_match(scopes)
    # Time passes: meetings to come become held without any write; the figures still match.
    later = utcnow() + timedelta(days=6)
    with mock.patch.object(measures, "utcnow", lambda: later), mock.patch.object(risk, "utcnow", lambda: later), \
            mock.patch.object(oracle, "utcnow", lambda: later):
        assert_figures_match(scopes)


def test_a_service_that_writes_and_then_reads_sees_its_own_writes(db, school):
    trainer, _coordinator, _courses, people, meetings, _quiz = school
    before = measures.attendance_rate(Scope())
    training.record_attendance(meetings[2], people[0], AttendanceStatus.PRESENT, None, trainer,
                               AttendanceMethod.ROSTER)  # not committed yet
    after = measures.attendance_rate(Scope())
    with oracle.pairs_only():
        assert after == measures.attendance_rate(Scope()) != before


def test_the_summaries_answer_a_period_spanning_every_held_meeting_and_not_a_narrower_one(db, school):
    today = utcnow().date()
    assert measures.summaries_cover(Scope(start=today - timedelta(days=400), end=today + timedelta(days=400)))
    assert not measures.summaries_cover(Scope(start=today - timedelta(days=5)))
    for scope in (Scope(start=today - timedelta(days=5)), Scope(end=today - timedelta(days=10)),
                  Scope(start=today - timedelta(days=400))):
        new = oracle.figures(scope)
        with oracle.pairs_only():
            assert new == oracle.figures(scope)


def test_rebuild_gives_what_the_writes_kept(db, school):
    kept = stored()
    assert kept and kept == rebuilt()
    db.session.execute(EnrolmentSummary.__table__.delete())
    assert summaries.rebuild() == len(kept)
    db.session.commit()
    assert stored() == kept


def test_an_enrolment_deleted_takes_its_summary_along(db, school):
    _trainer, _coordinator, _courses, people, _meetings, _quiz = school
    enrolment = db.session.scalars(select(Enrolment).where(Enrolment.user_id == people[7].id)).one()
    for event in enrolment.events:
        db.session.delete(event)
    db.session.delete(enrolment)
    db.session.commit()
    assert enrolment.id not in stored() and stored() == rebuilt()


def test_meeting_fields_that_do_not_change_who_belongs_cost_nothing(db, school):
    _trainer, _coordinator, _courses, _people, meetings, _quiz = school
    meetings[0].venue_address = "ul. Nowa 1"
    db.session.flush()
    assert not db.session.info.get(summaries.PENDING)
    meetings[0].status = MeetingStatus.CANCELLED
    db.session.flush()
    assert db.session.info[summaries.PENDING].courses == {meetings[0].course_id}
    db.session.commit()
    assert stored() == rebuilt()


def test_the_rebuild_command(app, db, school):
    db.session.execute(EnrolmentSummary.__table__.delete())
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["reporting", "rebuild-summaries"])
    assert result.exit_code == 0 and "rebuilt: 11" in result.output
    db.session.expire_all()
    assert stored() == rebuilt() and len(stored()) == 11


def test_summaries_of_a_meeting_moved_to_another_course(db, school):
    _trainer, _coordinator, courses, _people, meetings, _quiz = school
    meetings[0].course_id = courses[1].id
    db.session.commit()
    assert stored() == rebuilt()
    assert db.session.scalar(select(TrainingSession.course_id).where(TrainingSession.id == meetings[0].id)) \
        == courses[1].id
