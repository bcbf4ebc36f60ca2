"""Home-page panels of reporting (``core.home``) for coordinators: the project's headline indicators against
their targets, and how many trainees are at risk. Both read the figures the upkeep keeps warm
(``reporting.refresh_figures``) and compute them only when the cache has none: a fixed number of queries whatever
the amount of data."""

from __future__ import annotations

import logging
from typing import Any

from app.extensions import cache
from app.reporting.measures import Scope
from app.reporting.models import Indicator
from app.reporting.risk import at_risk_cached
from app.reporting.services import cache_key, cached, indicator_table

log = logging.getLogger(__name__)

#: Indicators for the whole project (no breakdown by specialisation, country or gender): the headline figures.
HEADLINE = (Indicator.specialisation_id.is_(None), Indicator.country.is_(None), Indicator.gender.is_(None))


def _warm_indicator_values() -> dict[int, float | None] | None:
    """The indicator values of the cached project-wide dashboard, if the cache holds them (never computes)."""
    try:
        figures = cache.get(cache_key("dashboard", Scope(), True))
    except Exception:
        log.warning("report cache unreachable; computing the home page's indicators", exc_info=True)
        return None
    return figures.indicator_values if figures is not None else None


def _headline_values() -> dict[int, float | None]:
    """The headline indicators' values: the warm dashboard's, else computed (only these) and cached like it."""
    warm = _warm_indicator_values()
    if warm is not None:
        return warm
    return cached(cache_key("home-indicators", Scope()),
                  lambda: {status.indicator.id: status.achieved for status in indicator_table(only=HEADLINE)})


def headline_figures(user: Any) -> dict:
    """The headline indicators (e.g. trainees enrolled of 88, internships of 12) with their share of the target."""
    return {"indicators": indicator_table(_headline_values(), only=HEADLINE)}


def at_risk_count(user: Any) -> dict:
    computed_at, people = at_risk_cached(Scope())
    return {"count": len(people), "people": len({entry.user_id for entry in people}), "computed_at": computed_at}
