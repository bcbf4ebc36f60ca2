"""The cooperation figures on a seeded world equal the values counted by hand (see the comments)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from app.accounts.models import Country
from app.cooperation import figures
from app.cooperation.models import RequestStatus
from app.core.permissions import Role
from app.network.models import Process
from tests.cooperation.world import member, seeded_request
from tests.factories.accounts import create_user


@pytest.fixture
def world(db):
    lt1, _ = member(Country.LT)
    lt2, _ = member(Country.LT)
    pl1, _ = member(Country.PL)
    pl2, _ = member(Country.PL)
    # r1: LT asks, PL1 accepted (cross-border), closed, rated 5 and 4; first offer after 2 h.
    seeded_request(lt1, opened=datetime(2026, 10, 5, 8, tzinfo=UTC), status=RequestStatus.CLOSED,
                   offers=[(pl1, 2, "100", "EUR", True), (pl2, 5, "90", "EUR", False)],
                   ratings=[(lt1, 5), (pl1, 4)])
    # r2: PL asks (TIG welding), LT2 accepted (cross-border), delivered, rated 3; 10 h.
    seeded_request(pl1, process=Process.WELDING_TIG, opened=datetime(2026, 10, 20, 8, tzinfo=UTC),
                   status=RequestStatus.DELIVERED, offers=[(lt2, 10, "500", "PLN", True)], ratings=[(pl1, 3)])
    # r3: LT asks, LT2 accepted (same country), in progress; 4 h.
    seeded_request(lt1, opened=datetime(2026, 11, 2, 8, tzinfo=UTC), status=RequestStatus.IN_PROGRESS,
                   offers=[(lt2, 4, "50", "EUR", True)])
    # r4: PL asks, no offers yet.
    seeded_request(pl1, opened=datetime(2026, 11, 10, 8, tzinfo=UTC))
    # r5: LT asks, one offer after 1 h, then cancelled.
    seeded_request(lt1, opened=datetime(2026, 11, 15, 8, tzinfo=UTC), status=RequestStatus.CANCELLED,
                   offers=[(pl2, 1, None, "EUR", False)])


def as_dict(rows):
    return {f.key: (f.posted, f.answered, f.matched, f.completed, f.median_response_hours, f.cross_border_share,
                    dict(f.value), f.satisfaction) for f in rows}


def test_per_country(world):
    assert as_dict(figures.compute("country")) == {
        "LT": (3, 3, 2, 1, 2.0, 0.5, {"EUR": Decimal("150")}, 4.5),
        "PL": (2, 1, 1, 1, 10.0, 1.0, {"PLN": Decimal("500")}, 3.0),
        "": (5, 4, 3, 2, 3.0, 2 / 3, {"EUR": Decimal("150"), "PLN": Decimal("500")}, 4.0),
    }


def test_per_process_and_period(world):
    by_process = as_dict(figures.compute("process"))
    assert by_process["laser_cutting"][:4] == (4, 3, 2, 1)
    assert by_process["welding_tig"][:4] == (1, 1, 1, 1)
    by_period = as_dict(figures.compute("period"))
    assert by_period["2026-10"][:4] == (2, 2, 2, 2)
    assert by_period["2026-11"][:4] == (3, 2, 1, 0)


def test_the_page_and_the_export_for_coordinators_only(world, client, login):
    login(create_user(Role.TRAINEE))
    assert client.get("/cooperation/figures").status_code == 403
    login(create_user(Role.COORDINATOR))
    assert client.get("/cooperation/figures?by=process").status_code == 200
    assert client.get("/cooperation/figures?by=nonsense").status_code == 200
    response = client.get("/cooperation/figures.csv?by=country")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[-1][:5] == ["All", "5", "4", "3", "2"]
    assert rows[1][:5] == ["Lithuania", "3", "3", "2", "1"]
    xlsx = client.get("/cooperation/figures.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


def test_home_panel_shows_the_totals_to_coordinators_and_open_requests_to_members(world, client, login):
    login(create_user(Role.COORDINATOR))
    page = client.get("/").get_data(as_text=True)
    assert "Requests posted: 5; with an accepted offer: 3; completed: 2." in page
    login(create_user(Role.TRAINEE))
    assert 'id="home-cooperation"' not in client.get("/").get_data(as_text=True)
