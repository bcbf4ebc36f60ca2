"""Capacity and overlap hold when two coordinators propose placements at the same moment (two connections)."""

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from app.core.errors import DomainError
from app.core.permissions import Role
from app.extensions import db
from app.placements import lifecycle
from app.placements.models import Placement
from tests.conftest import make_test_app
from tests.dbutil import fresh_database, upgrade_to_head
from tests.factories import create_user
from tests.factories.catalogue import create_course, get_specialisation
from tests.factories.enrolment import enrol
from tests.factories.placements import create_company

START = date(2027, 5, 3)


def race(app, proposals):
    """Run each (coordinator, trainee, company) proposal in its own thread, released together."""
    barrier = threading.Barrier(len(proposals))
    results = []

    def propose(coordinator_id, trainee_id, company_id):
        from app.accounts.models import User
        from app.network.models import Company

        with app.app_context():
            coordinator, trainee = db.session.get(User, coordinator_id), db.session.get(User, trainee_id)
            company = db.session.get(Company, company_id)
            barrier.wait()
            try:
                lifecycle.create_placement(coordinator, trainee, company, get_specialisation("welding"), START,
                                          START + timedelta(days=27), 160)
                db.session.commit()
                results.append("created")
            except DomainError:
                db.session.rollback()
                results.append("refused")
            except OperationalError:
                # SQLite lets one writer through and refuses the other ("database is locked"): 503, try again.
                db.session.rollback()
                results.append("locked")

    threads = [threading.Thread(target=propose, args=args) for args in proposals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def setup(app, trainees: int, companies: int):
    with app.app_context():
        coordinators = [create_user(Role.COORDINATOR).id for _ in range(2)]
        course = create_course(specialisation="welding")
        people = []
        for _ in range(trainees):
            person = create_user()
            enrol(person, course)
            people.append(person.id)
        firms = [create_company(capacity=1, specialisations=("welding",)).id for _ in range(companies)]
    return coordinators, people, firms


def count(app) -> int:
    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(Placement))
        db.engine.dispose()
    return total


@pytest.mark.parametrize("attempt", range(3))
def test_two_trainees_for_the_last_place_of_a_firm(backend, tmp_path, attempt):
    with fresh_database(backend, tmp_path) as url:
        app = make_test_app(url, tmp_path / "media")
        upgrade_to_head(app)
        coordinators, people, (firm,) = setup(app, trainees=2, companies=1)
        results = race(app, [(coordinators[0], people[0], firm), (coordinators[1], people[1], firm)])
        assert count(app) == 1
        if backend == "postgresql":
            assert sorted(results) == ["created", "refused"]


@pytest.mark.parametrize("attempt", range(3))
def test_one_trainee_proposed_to_two_firms_at_once(backend, tmp_path, attempt):
    with fresh_database(backend, tmp_path) as url:
        app = make_test_app(url, tmp_path / "media")
        upgrade_to_head(app)
        coordinators, (person,), firms = setup(app, trainees=1, companies=2)
        results = race(app, [(coordinators[0], person, firms[0]), (coordinators[1], person, firms[1])])
        assert count(app) == 1
        if backend == "postgresql":
            assert sorted(results) == ["created", "refused"]
