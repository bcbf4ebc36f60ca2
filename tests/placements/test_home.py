"""Placements' home panels: logbook days waiting for a mentor (whatever their role), applications waiting to be
matched (coordinators); fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

from app.accounts.models import Country
from app.core.home import home_panels
from app.core.permissions import Role
from app.extensions import db
from app.placements.home import applications_waiting, logbook_waiting
from app.placements.models import Application, ApplicationStatus, EntryStatus, LogbookEntry, PlacementStatus
from tests.factories import create_user
from tests.factories.placements import create_company, create_placement
from tests.querycount import assert_queries_do_not_grow


def log_days(placement, count, status=EntryStatus.SUBMITTED, offset=0):
    for day in range(offset, offset + count):
        db.session.add(LogbookEntry(placement_id=placement.id, day=placement.starts_on + timedelta(days=day), hours=8,
                                    tasks="Spawanie MIG", status=status))
    db.session.commit()


def test_a_mentor_sees_the_submitted_days_of_their_interns_only(db):
    mentor, other_mentor = create_user(Role.TRAINER), create_user(Role.TRAINER)
    firm, other_firm = create_company(mentors=[mentor]), create_company(mentors=[other_mentor])
    intern, named, elsewhere = create_user(), create_user(), create_user()
    at_firm = create_placement(intern, firm, status=PlacementStatus.IN_PROGRESS)
    naming_them = create_placement(named, other_firm, mentor=mentor, status=PlacementStatus.IN_PROGRESS)
    not_theirs = create_placement(elsewhere, other_firm, mentor=other_mentor, status=PlacementStatus.IN_PROGRESS)
    log_days(at_firm, 3)
    log_days(at_firm, 2, EntryStatus.CONFIRMED, offset=3)
    log_days(naming_them, 1)
    log_days(not_theirs, 4)
    data = logbook_waiting(mentor)
    assert [(p.id, days, first) for p, days, first in data["placements"]] == [
        (at_firm.id, 3, at_firm.starts_on), (naming_them.id, 1, naming_them.starts_on)]
    assert data["days"] == 4


def test_the_mentor_panel_follows_the_company_link_not_the_role(client, login, db):
    mentor = create_user(Role.TRAINEE)  # a craftsperson mentoring at their firm may hold any role
    assert "placements.logbook" not in {panel.name for panel, _data in home_panels(mentor)}
    firm = create_company(mentors=[mentor])
    placement = create_placement(create_user(full_name="Jonas Petraitis"), firm, status=PlacementStatus.IN_PROGRESS)
    assert "placements.logbook" in {panel.name for panel, _data in home_panels(mentor)}
    login(mentor)
    page = client.get("/").get_data(as_text=True)
    assert "No logbook days waiting for you." in page
    log_days(placement, 2)
    page = client.get("/").get_data(as_text=True)
    assert f'href="/placements/{placement.id}#logbook"' in page and "Jonas Petraitis" in page
    assert "2 days waiting" in page


def test_open_applications_wait_for_matching(db):
    people = [create_user(country=Country.PL) for _ in range(7)]
    for person in people:
        db.session.add(Application(user=person, motivation="Chcę nauczyć się toczenia CNC w prawdziwym zakładzie."))
    db.session.add(Application(user=create_user(), motivation="Matched already.", status=ApplicationStatus.PLACED))
    db.session.commit()
    data = applications_waiting(create_user(Role.COORDINATOR))
    assert data["total"] == 7 and [a.user_id for a in data["applications"]] == [p.id for p in people[:5]]


def test_the_mentors_home_page_runs_a_fixed_number_of_queries(client, login, db):
    mentor = create_user(Role.TRAINER)
    firm = create_company(mentors=[mentor], capacity=50)

    def grow(n):
        for _ in range(n):
            log_days(create_placement(create_user(), firm, status=PlacementStatus.IN_PROGRESS), n)

    grow(1)
    login(mentor)
    assert_queries_do_not_grow(client, "/", grow, 4)
