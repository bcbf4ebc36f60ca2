"""Each measure against a count computed independently from the seeded world (tests/reporting/world.py)."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.models import Country, Gender
from app.core.permissions import Role
from app.reporting import measures, services
from app.reporting.measures import Scope
from app.reporting.models import Indicator, Measure
from tests.factories import create_user
from tests.factories.catalogue import get_specialisation
from tests.reporting import world as w


@pytest.fixture
def world(db):
    return w.build()


def test_people_are_counted_once_and_withdrawn_or_waiting_people_not_at_all(world):
    assert measures.trainees_enrolled(Scope()) == len(w.enrolled_people()) == 3
    assert measures.trainees_completed(Scope()) == len(w.completed_people()) == 2


def test_filters_by_specialisation_country_and_gender(world):
    welding = get_specialisation("welding").id
    assert measures.trainees_enrolled(Scope(specialisation_id=welding)) == len(w.enrolled_people("welding"))
    assert measures.trainees_enrolled(Scope(country=Country.LT)) == len(w.enrolled_people(country=Country.LT))
    assert measures.trainees_enrolled(Scope(gender=Gender.FEMALE)) == len(
        {p for p in w.enrolled_people() if w.PEOPLE[p][1] == Gender.FEMALE})
    assert measures.trainees_completed(Scope(specialisation_id=welding)) == len(w.completed_people("welding"))


def test_meetings_held_leave_out_cancelled_and_future_ones(world):
    assert measures.meetings_held(Scope()) == len(w.held()) == 3


def test_attendance_rate_leaves_out_excused_and_counts_missing_records_as_absent(world):
    expected, attended, excused = w.attendance_counts()
    assert measures.attendance_rate(Scope()) == pytest.approx(attended / (expected - excused))
    expected, attended, excused = w.attendance_counts("welding")
    assert measures.attendance_rate(Scope(specialisation_id=get_specialisation("welding").id)) == pytest.approx(
        attended / (expected - excused))


def test_placements_count_people_with_completed_ones_only(world):
    assert measures.placements_completed(Scope()) == len(w.placement_people()) == 2
    assert measures.placements_completed(Scope(), only_cross_border=True) == len(w.placement_people(True)) == 1


def test_trainee_hours_add_meetings_attended_and_confirmed_internship_hours(world):
    assert measures.trainee_hours(Scope()) == pytest.approx(w.trainee_hours())


def test_a_trainer_scope_covers_only_their_courses(world):
    own = Scope(course_ids=frozenset({world.courses["welding"].id}))
    assert measures.trainees_enrolled(own) == len(w.enrolled_people("welding"))
    assert measures.meetings_held(own) == len(w.held("welding"))
    assert measures.trainees_enrolled(Scope(course_ids=frozenset())) == 0


def test_indicators_show_live_values_and_shares(world):
    from app.extensions import db

    db.session.add_all([
        Indicator(code="W1", name={"en": "Trainees"}, measure=Measure.TRAINEES_ENROLLED, target_value=88,
                  milestone_value=44, milestone_on=world.courses["cnc"].created_at.date()),
        Indicator(code="W1.1", name={"en": "from LT"}, measure=Measure.TRAINEES_ENROLLED, target_value=44,
                  country=Country.LT),
        Indicator(code="W4", name={"en": "Attendance"}, measure=Measure.ATTENDANCE_RATE, unit="%", target_value=80),
        Indicator(code="W5", name={"en": "Internships"}, measure=Measure.PLACEMENTS_COMPLETED, target_value=12)])
    db.session.commit()
    table = {s.indicator.code: s for s in services.indicator_table()}
    assert table["W1"].achieved == 3 and table["W1"].target_share == pytest.approx(3 / 88)
    assert table["W1"].milestone_share == pytest.approx(3 / 44)
    assert table["W1.1"].achieved == len(w.enrolled_people(country=Country.LT))
    expected, attended, excused = w.attendance_counts()
    assert table["W4"].achieved == round(attended / (expected - excused) * 100, 1)
    assert table["W5"].achieved == 2


def test_the_dashboard_takes_the_indicators_its_breakdowns_answer_from_them(world, db):
    """The dashboard's indicator values equal the live ones, whether its breakdowns answer them (no filter on the
    dashboard; a period spanning the data; at most a specialisation or a country) or they are computed apart."""
    today = date.today()
    spanning = {"period_start": today - timedelta(days=400), "period_end": today + timedelta(days=400)}
    welding = get_specialisation("welding").id
    db.session.add_all([Indicator(code=code, name={"en": code}, measure=measure, target_value=10, **fields)
                        for code, measure, fields in (
        ("A", Measure.TRAINEES_ENROLLED, spanning),
        ("B", Measure.TRAINEES_ENROLLED, {"country": Country.LT, **spanning}),
        ("C", Measure.TRAINEES_COMPLETED, {"specialisation_id": welding, **spanning}),
        ("D", Measure.ATTENDANCE_RATE, spanning),
        ("E", Measure.ATTENDANCE_RATE, {"specialisation_id": welding}),
        # computed apart: a period that leaves the enrolments out, a gender, two narrowings, another measure
        ("F", Measure.TRAINEES_ENROLLED, {"period_start": today + timedelta(days=1)}),
        ("G", Measure.TRAINEES_COMPLETED, {"period_end": today - timedelta(days=3)}),
        ("H", Measure.TRAINEES_ENROLLED, {"gender": Gender.FEMALE}),
        ("I", Measure.TRAINEES_COMPLETED, {"specialisation_id": welding, "country": Country.LT}),
        ("J", Measure.PLACEMENTS_COMPLETED, spanning))])
    db.session.commit()
    codes = dict(db.session.execute(select(Indicator.id, Indicator.code)).all())
    live = {status.indicator.code: status.achieved for status in services.indicator_table()}
    figures = services.dashboard_figures(Scope(), with_indicators=True)
    assert {codes[key]: value for key, value in figures.indicator_values.items()} == live
    expected, attended, excused = w.attendance_counts("welding")
    assert (live["A"], live["B"], live["C"], live["F"], live["G"]) == (3, 2, 1, 0, 0)
    assert live["E"] == round(attended / (expected - excused) * 100, 1)
    _values, answered = services._dashboard_indicators(Scope())
    assert sorted(codes[key] for key in answered) == ["A", "B", "C", "D", "E"]
    # A filtered dashboard's breakdowns answer no indicator.
    assert services._dashboard_indicators(Scope(country=Country.PL))[1] == {}


def indicator_form(**overrides):
    data = {"code": "W9", "name_pl": "Uczestnicy szkoleń", "measure": "trainees_enrolled", "unit": "persons",
            "baseline": "0", "target_value": "88", "specialisation_id": "0", "country": "", "gender": "",
            "position": "1"}
    data.update(overrides)
    return data


def test_a_coordinator_sets_an_indicator_and_bad_input_changes_nothing(client, login, db):
    login(create_user(Role.COORDINATOR, language="pl"))
    response = client.post_form("/reports/indicators/new", indicator_form(milestone_value="44"))
    assert response.status_code == 422
    assert "Wartość pośrednia wymaga wartości i terminu." in response.get_data(as_text=True)
    response = client.post_form("/reports/indicators/new", indicator_form(measure="attendance_rate",
                                                                          target_value="180"))
    assert "najwyżej 100" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Indicator)) == 0
    assert client.post_form("/reports/indicators/new", indicator_form(milestone_value="44",
                                                                      milestone_on="2027-03-01")).status_code == 303
    indicator = db.session.scalar(select(Indicator))
    assert (indicator.code, indicator.target_value, indicator.name) == ("W9", 88, {"pl": "Uczestnicy szkoleń"})
    assert "Uczestnicy szkoleń" in client.get("/reports/indicators").get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.TRAINER, Role.TRAINEE])
def test_only_coordinators_set_indicators(client, login, db, role):
    login(create_user(role))
    assert client.post_form("/reports/indicators/new", indicator_form()).status_code == 403
    assert client.get("/reports/indicators").status_code == 403
    assert db.session.scalar(select(Indicator)) is None


def test_certificate_holders_are_counted_once_and_revoked_certificates_not_at_all(world, db):
    from app.certificates.models import Certificate
    from app.core.db import utcnow

    issued = [("łukasz", "welding", None), ("łukasz", "cnc", None), ("jonas", "cnc", utcnow()),
              ("gražina", "welding", None)]
    for n, (person, course, revoked) in enumerate(issued):
        db.session.add(Certificate(code=f"TEST{n:08d}", user_id=world.users[person].id,
                                   course_id=world.courses[course].id, holder_name=person, completed_at=utcnow(),
                                   revoked_at=revoked))
    db.session.commit()
    holders = {person for person, _, revoked in issued if revoked is None}
    assert measures.certificates_issued(Scope()) == len(holders) == 2
    welding = get_specialisation("welding").id
    assert measures.certificates_issued(Scope(specialisation_id=welding)) == len(
        {p for p, c, r in issued if r is None and c == "welding"})
