"""The cooperation figures on a seeded world equal the values counted by hand (see the comments)."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from app.cooperation import figures
from app.core.permissions import Role
from app.network.models import Process
from tests.cooperation.world import figures_world
from tests.factories.accounts import create_user


@pytest.fixture
def world(db):
    return figures_world()


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


def test_the_page_filters_by_period_and_requester_country(world, client, login):
    login(create_user(Role.COORDINATOR))
    response = client.get("/cooperation/figures.csv?by=country&start=2026-11-01&end=2026-11-30")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[-1][:5] == ["All", "3", "2", "1", "0"]  # r3, r4, r5
    response = client.get("/cooperation/figures.csv?by=process&country=PL")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[-1][:5] == ["All", "2", "1", "1", "1"]  # r2, r4
    page = client.get("/cooperation/figures?start=2026-11-31&end=2026-10-01&country=XX")
    assert page.status_code == 200  # bad filters are shown on the form and change nothing
    assert 'class="total"><th scope="row">All</th><td>5</td>' in page.get_data(as_text=True)
    page = client.get("/cooperation/figures?start=2026-11-01&end=2026-10-01")
    assert "The end must be after the start." in page.get_data(as_text=True)


def test_a_filter_narrows_the_figures(world):
    november = figures.Filter(start=date(2026, 11, 1), end=date(2026, 11, 30))
    assert as_dict(figures.compute("country", november))[""] == (3, 2, 1, 0, 2.5, 0.0, {"EUR": Decimal("50")}, None)
    assert as_dict(figures.compute("country", figures.Filter(processes=figures.processes_of("welding"))))[""][:4] \
        == (1, 1, 1, 1)
    assert figures.processes_of("cnc") == {Process.CNC_MILLING, Process.CNC_TURNING, Process.CNC_PROGRAMMING}
    assert as_dict(figures.compute("country", figures.Filter(region="LT-AL")))[""][:4] == (3, 3, 2, 1)
