"""The migration that gives meetings a title per language keeps the titles already written."""

from datetime import UTC, datetime

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.conftest import make_test_app
from tests.dbutil import fresh_database

BEFORE, AFTER = "d95ed3b4c6a4", "3c8e1f0b7a52"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

specialisations = sa.table("specialisations", *[sa.column(n) for n in ("id", "code", "position")],
                           sa.column("title", sa.JSON), sa.column("description", sa.JSON))
courses = sa.table("courses", *[sa.column(n) for n in (
    "id", "key", "specialisation_id", "source_language", "hours", "status", "enrolment_policy", "updated_at",
    "created_at")], *[sa.column(n, sa.JSON) for n in ("title", "summary", "description", "completion_rule")])
meetings = sa.table("training_sessions", *[sa.column(n) for n in (
    "id", "course_id", "starts_at", "ends_at", "timezone", "venue_country", "language", "status", "checkin_secret",
    "created_at")], sa.column("title"))


def _insert_old_rows(connection) -> None:
    connection.execute(specialisations.insert().values(id=1, code="cnc", position=0, title={"en": "CNC"},
                                                       description={}))
    for course_id, language in ((1, "pl"), (2, "lt")):
        connection.execute(courses.insert().values(
            id=course_id, key=f"c{course_id}", specialisation_id=1, source_language=language, hours=8,
            status="draft", enrolment_policy="open", updated_at=NOW, created_at=NOW, title={language: "Kurs"},
            summary={}, description={}, completion_rule={}))
    for meeting_id, course_id, title in ((1, 1, "Spotkanie warsztatowe – ąę"), (2, 2, "Praktinis užsiėmimas")):
        connection.execute(meetings.insert().values(
            id=meeting_id, course_id=course_id, title=title, starts_at=NOW, ends_at=NOW, timezone="Europe/Warsaw",
            venue_country="PL", language="pl", status="scheduled", checkin_secret=f"s{meeting_id}", created_at=NOW))


def test_an_existing_meeting_title_becomes_the_title_in_its_courses_source_language(backend, tmp_path):
    with fresh_database(backend, tmp_path) as url:
        app = make_test_app(url, tmp_path / "media")
        with app.app_context():
            upgrade(revision=BEFORE)
            with db.engine.begin() as connection:
                _insert_old_rows(connection)
            upgrade(revision=AFTER)
            with db.engine.connect() as connection:
                titles = dict(connection.execute(sa.select(sa.column("id"), sa.column("title", sa.JSON))
                                                 .select_from(sa.table("training_sessions"))).all())
            assert titles == {1: {"pl": "Spotkanie warsztatowe – ąę"}, 2: {"lt": "Praktinis užsiėmimas"}}

            downgrade(revision=BEFORE)  # and back: the source language's title as the one string
            with db.engine.connect() as connection:
                titles = dict(connection.execute(sa.select(sa.column("id"), sa.column("title"))
                                                 .select_from(sa.table("training_sessions"))).all())
            assert titles == {1: "Spotkanie warsztatowe – ąę", 2: "Praktinis užsiėmimas"}
            db.engine.dispose()
