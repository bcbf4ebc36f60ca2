"""The home page's cooperation panel: open requests for the person's members (coordinators: all open requests and
this year's totals from the figures)."""

from __future__ import annotations

from typing import Any

from app.cooperation import figures, policies, services


def panel(user: Any) -> dict:
    open_requests, _mine = services.visible_requests(user)
    total = figures.compute("country")[-1] if policies.can_see_figures(user) else None
    return {"open": open_requests[:5], "count": len(open_requests), "total": total}
