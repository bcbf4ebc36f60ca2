"""`flask bench-data` at a reduced scale: it fills every table the benchmark reads, reproducibly, and its
description names accounts that can log in and ids that exist."""

import json

import pytest
from sqlalchemy import func, select

from app import benchdata
from app.accounts.models import User
from app.catalogue.models import Material
from app.training.models import Attendance, TrainingSession


@pytest.fixture
def small(monkeypatch):
    for name, value in {"TRAINEES": 120, "STAFF": 20, "COURSES": 8, "LESSON_PROGRESS": 300, "QUIZ_ATTEMPTS": 100,
                        "COMPANIES": 20, "PLACEMENTS": 30}.items():
        monkeypatch.setattr(benchdata, name, value)


def test_bench_data_fills_the_tables_and_describes_itself(app, db, small, client):
    result = app.test_cli_runner().invoke(args=["bench-data"])
    assert result.exit_code == 0, result.output
    again = app.test_cli_runner().invoke(args=["bench-data"])
    assert "already there" in again.output
    description = json.loads(app.test_cli_runner().invoke(args=["bench-data", "--describe"]).output)
    counts = description["counts"]
    assert counts["trainees"] == 120 and counts["courses"] == 8 and counts["lesson_progress"] == 300
    assert counts["placements"] > 0 and counts["attendance"] > 0
    roster = db.session.get(TrainingSession, description["roster_meeting_id"])
    assert roster.course_id == db.session.scalar(select(func.min(TrainingSession.course_id)))
    assert db.session.get(Material, description["material_id"]) is not None
    people_in_roster_course = db.session.scalar(select(func.count(func.distinct(Attendance.user_id))).join(
        TrainingSession).where(TrainingSession.course_id == roster.course_id))
    assert people_in_roster_course == benchdata.ROSTER_SIZE
    for role, account in description["accounts"].items():
        response = client.post_form("/login", {"email": account["email"], "password": account["password"]})
        assert response.status_code == 303, role
        client.post_form("/logout")


def test_bench_data_is_reproducible(app, db, small):
    benchdata.generate(media_objects=False)
    first = db.session.scalars(select(User.full_name).order_by(User.id)).all()
    db.session.rollback()
    benchdata.generate(media_objects=False)
    assert db.session.scalars(select(User.full_name).order_by(User.id)).all()[-len(first):] == first
