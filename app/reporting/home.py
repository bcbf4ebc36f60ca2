"""Home-page panels of reporting (``core.home``) for coordinators: the project's headline indicators against
their targets, and how many trainees are at risk. Both read the figures the upkeep keeps warm
(``reporting.refresh_figures``) and compute them only when the cache has none: a fixed number of queries whatever
the amount of data."""

from __future__ import annotations

from typing import Any

from app.core.db import utcnow
from app.reporting.measures import Scope
from app.reporting.models import Indicator
from app.reporting.risk import at_risk_counts
from app.reporting.services import cache_key, cached, indicator_table

#: Indicators for the whole project (no breakdown by specialisation, country or gender): the headline figures.
HEADLINE = (Indicator.specialisation_id.is_(None), Indicator.country.is_(None), Indicator.gender.is_(None))


def headline_values() -> dict[int, float | None]:
    """The headline indicators' values, cached like the dashboard (the upkeep keeps them warm)."""
    return cached(cache_key("home-indicators", Scope()),
                  lambda: {status.indicator.id: status.achieved for status in indicator_table(only=HEADLINE)})


def headline_figures(user: Any) -> dict:
    """The headline indicators (e.g. trainees enrolled of 88, internships of 12) with their share of the target."""
    return {"indicators": indicator_table(headline_values(), only=HEADLINE)}


def at_risk_totals() -> tuple:
    """(when computed, (enrolments at risk, people at risk)) of the whole project, cached (two numbers)."""
    return cached(cache_key("home-at-risk", Scope()), lambda: (utcnow(), at_risk_counts(Scope())))


def at_risk_count(user: Any) -> dict:
    computed_at, (count, people) = at_risk_totals()
    return {"count": count, "people": people, "computed_at": computed_at}
