"""Indicators about firms, counted by hand: member firms involved per country (employing someone enrolled or
hosting an internship), cross-border cooperations (completed internships abroad, each one), people trained by
the region of their employer; and the monitoring-system export with them."""

import pytest

from app.accounts.models import Country
from app.core.permissions import Role
from app.enrolment.models import EnrolmentStatus
from app.extensions import db as _db
from app.placements.models import PlacementStatus
from app.reporting import measures, services
from app.reporting.measures import Scope
from app.reporting.models import Indicator, Measure
from tests.factories import create_user
from tests.factories.catalogue import create_course
from tests.factories.enrolment import enrol
from tests.factories.placements import create_company, create_placement


@pytest.fixture
def world(db):
    firms = {"pl1": create_company(Country.PL, name="Metal-Tech"), "pl2": create_company(Country.PL, name="Stal-Ełk"),
             "lt1": create_company(Country.LT, name="UAB Lazeriai"), "lt2": create_company(Country.LT, name="UAB Idle")}
    firms["pl1"].region, firms["pl2"].region, firms["lt1"].region = "PL-20", "PL-28", "LT-AL"
    course = create_course()
    people = {
        "a": create_user(Role.TRAINEE, employer_id=firms["pl1"].id),
        "b": create_user(Role.TRAINEE, employer_id=firms["pl1"].id),
        "c": create_user(Role.TRAINEE, employer_id=firms["lt1"].id, country=Country.LT),
        "d": create_user(Role.TRAINEE, company_name="Warsztat spoza klastra"),
        "e": create_user(Role.TRAINEE, employer_id=firms["pl2"].id, country=Country.LT),
    }
    for name in "abcd":
        enrol(people[name], course)
    enrol(people["e"], course, EnrolmentStatus.REQUESTED)  # not enrolled: PL2 is not involved through e
    create_placement(people["a"], firms["lt1"], status=PlacementStatus.COMPLETED)  # cross-border
    create_placement(people["a"], firms["lt1"], status=PlacementStatus.COMPLETED)  # cross-border, again
    create_placement(people["c"], firms["lt1"], status=PlacementStatus.COMPLETED)  # domestic
    create_placement(people["b"], firms["pl2"], status=PlacementStatus.AGREED)  # PL2 hosts: involved
    create_placement(people["d"], firms["lt2"], status=PlacementStatus.CANCELLED)  # LT2: not involved
    _db.session.commit()
    return firms, people


def test_firms_involved_per_country(world):
    assert measures.firms_involved(Scope(country=Country.PL)) == 2  # PL1 employs a, b; PL2 hosts b
    assert measures.firms_involved(Scope(country=Country.LT)) == 1  # LT1 employs c and hosts
    assert measures.firms_involved(Scope()) == 3


def test_cross_border_cooperations_count_internships_not_people(world):
    assert measures.cross_border_cooperations(Scope()) == 2
    assert measures.placements_completed(Scope(), only_cross_border=True) == 1  # one person


def test_people_trained_by_region_of_their_employer(world):
    rows = {row.key: row.enrolled for row in measures.breakdown(Scope(), "region")}
    assert rows == {"PL-20": 2, "LT-AL": 1, "": 1}
    assert services.group_labels("region")["PL-20"] == "podlaskie"
    assert measures.trainees_enrolled(Scope(region="PL-20")) == 2
    firms, _people = world
    assert measures.trainees_enrolled(Scope(company=f"m{firms['pl1'].id}")) == 2


def test_the_monitoring_export_holds_the_firm_indicators(world, client, login):
    _db.session.add_all([Indicator(code="F1", name={"en": "Firms PL"}, measure=Measure.FIRMS_INVOLVED,
                                   unit="firms", target_value=10, country=Country.PL),
                         Indicator(code="F2", name={"en": "Cooperations"}, measure=Measure.CROSS_BORDER_COOPERATIONS,
                                   unit="placements", target_value=4)])
    _db.session.commit()
    _columns, rows = services.indicator_rows(services.indicator_table())
    achieved = {row[0]: (row[7], row[8]) for row in rows}
    assert achieved == {"F1": (2, 0.2), "F2": (2, 0.5)}
    login(create_user(Role.COORDINATOR))
    page = client.get("/reports/")
    assert 'id="total-cooperations">2<' in page.text and 'id="total-firms-pl">2<' in page.text
    assert "By region of the trainee" in page.text
    assert "F1;" in client.get("/reports/export/indicators.csv?dialect=regional").text
