"""``core.db.DriverQuery``: a Core select run by the driver itself reads what ``Connection.execute`` reads (enums,
UTC timestamps, JSON, booleans, constants bound through their types), is seen by the statement events, and fails
as SQLAlchemy's errors do; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import bindparam, column, event, exc, select, table

from app.catalogue.models import Course, CourseStatus, Lesson, Material, MaterialStatus
from app.core.db import DriverQuery, labelled, utcnow, view_of
from app.enrolment.models import EnrolmentStatus
from app.enrolment.policies import enrolled_clause
from tests.catalogue.samples import PDF
from tests.factories import create_user
from tests.factories.catalogue import create_course, create_material, first_lesson
from tests.factories.enrolment import enrol

COLUMNS = (Material.id, Material.kind, Material.status, Material.media, Material.deleted_at,
           Material.original_filename, Course.status, Course.hours)


def _statement():
    person = bindparam("user_id")
    return (select(*labelled("m", COLUMNS[:6]), *labelled("c", COLUMNS[6:]),
                   enrolled_clause(person, Course.id).label("enrolled"))
            .select_from(Material).join(Lesson, Lesson.id == Material.lesson_id)
            .join(Course, Course.id == Lesson.course_id).where(Material.id == bindparam("material_id")))


@pytest.fixture
def material(db):
    course = create_course()
    material = create_material(first_lesson(course), data=PDF, filename="Rysunek – łuk.pdf")
    material.media = {"renditions": [{"height": 360, "key": "a/360p.mp4"}], "note": "żółć"}
    material.deleted_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    return material


def test_it_reads_what_sqlalchemy_reads(db, material):
    trainee = create_user()
    enrol(trainee, material.lesson.module.course)
    statement = _statement()
    query = DriverQuery(statement)
    for person in (trainee.id, trainee.id + 1000):  # enrolled, and not (the constant status bound by its type)
        params = {"material_id": material.id, "user_id": person}
        expected = db.session.connection().execute(statement, params).first()
        found = query.first_on(db.session.connection(), params)
        assert tuple(found) == tuple(expected)
        assert found._fields == tuple(expected._fields)
        assert found.enrolled is (person == trainee.id)
    assert isinstance(found.m_status, MaterialStatus) and found.c_status == CourseStatus.PUBLISHED
    assert found.m_deleted_at.tzinfo is not None and found.m_media["note"] == "żółć"
    viewed = view_of(found, "m", COLUMNS[:6])
    assert viewed.original_filename == "Rysunek – łuk.pdf" and viewed.id == material.id
    with pytest.raises(AttributeError):
        viewed.lesson  # noqa: B018 (not read: raises, never loads)
    assert query.first_on(db.session.connection(), {"material_id": material.id + 1000, "user_id": 1}) is None
    assert EnrolmentStatus.ENROLLED.value in query._by_dialect[db.engine.dialect.name][2].values()


def test_the_statement_events_see_it(db, material):
    seen, material_id = [], material.id

    def record(_conn, _cursor, statement, parameters, context, _many):
        seen.append((statement, parameters, context))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        DriverQuery(_statement()).first_on(db.session.connection(), {"material_id": material_id, "user_id": 1})
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert [context for statement, _values, context in seen if "SAVEPOINT" not in statement] == [None]


def test_errors_come_out_as_sqlalchemys(db):
    query = DriverQuery(select(column("x")).select_from(table("no_such_table")).where(
        column("x") == bindparam("x")))
    # (the savepoint, rolled back, keeps the test's transaction usable on PostgreSQL)
    with pytest.raises(exc.DBAPIError) as raised, db.session.begin_nested():
        query.first_on(db.session.connection(), {"x": 1})
    assert "no_such_table" in str(raised.value)
    assert db.session.connection().closed is False
