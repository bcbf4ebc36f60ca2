"""Trainees applying for internships: no preselected offer, and no offer overlapping a placement they already have."""

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from app.accounts.models import Country
from app.core.errors import DomainError
from app.placements import offers
from app.placements.models import Application, PlacementStatus
from tests.factories import create_user
from tests.factories.catalogue import create_course
from tests.factories.enrolment import enrol
from tests.factories.placements import create_company, create_placement
from tests.placements.test_companies import make_offer

MOTIVATION = "Chcę poznać obróbkę CNC w litewskiej firmie."


def _select(html, name):
    return re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S).group(0)


def test_no_offer_is_preselected_and_the_trainee_must_choose_one(client, login, db):
    trainee = create_user()
    enrol(trainee, create_course(specialisation="cnc"))
    offer = make_offer(create_company())
    login(trainee)
    first = _select(client.get("/internships/").get_data(as_text=True), "first")
    options = re.findall(r"<option[^>]*>([^<]*)", first)
    assert options[0] == "— choose an offer —" and len(options) == 2  # the "choose" line, then the offer
    assert re.findall(r'<option selected value="(\d+)"', first) == ["0"]  # no offer is preselected
    for posted in ({"first": "0"}, {}):  # left on "choose", or missing altogether
        response = client.post_form("/internships/", {**posted, "second": "0", "third": "0",
                                                      "motivation": MOTIVATION})
        assert response.status_code == 422
        assert "Choose the offer you want most." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Application)) == 0
    assert client.post_form("/internships/", {"first": str(offer.id), "motivation": MOTIVATION}).status_code == 303


@pytest.mark.parametrize("status", [PlacementStatus.PROPOSED, PlacementStatus.AGREED, PlacementStatus.IN_PROGRESS])
def test_a_trainee_cannot_apply_for_an_offer_overlapping_their_placement(client, login, db, status):
    trainee = create_user()
    enrol(trainee, create_course(specialisation="cnc"))
    overlapping, later = make_offer(create_company()), make_offer(create_company())
    later.starts_on, later.ends_on = date(2027, 4, 1), date(2027, 4, 20)
    db.session.commit()
    # The placement's last day is the offer's first day (2027-03-01).
    create_placement(trainee, create_company(Country.PL), starts_on=date(2027, 2, 1), days=28, status=status)
    login(trainee)
    html = client.get("/internships/").get_data(as_text=True)
    assert f'value="{overlapping.id}"' not in _select(html, "first")  # not offered in the form…
    assert f'value="{later.id}"' in _select(html, "first")
    assert "Overlaps one of your placements." in html  # …and marked in the list
    response = client.post_form("/internships/", {"first": str(later.id), "second": str(overlapping.id),
                                                  "third": "0", "motivation": MOTIVATION})
    assert response.status_code == 422
    assert "“Internship” overlaps a placement you already have; choose an offer in another period." in \
        response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Application)) == 0
    with pytest.raises(DomainError, match="overlaps a placement you already have") as error:
        offers.apply(trainee, [overlapping.id], MOTIVATION)
    assert error.value.field == "first"
    assert client.post_form("/internships/", {"first": str(later.id), "motivation": MOTIVATION}).status_code == 303


def test_a_cancelled_placement_does_not_block_an_application(client, login, db):
    trainee = create_user()
    enrol(trainee, create_course(specialisation="cnc"))
    offer = make_offer(create_company())
    create_placement(trainee, create_company(Country.PL), starts_on=date(2027, 2, 1), days=28,
                     status=PlacementStatus.CANCELLED)
    login(trainee)
    response = client.post_form("/internships/", {"first": str(offer.id), "motivation": MOTIVATION})
    assert response.status_code == 303
    assert db.session.scalar(select(Application)).choices[0].offer_id == offer.id
