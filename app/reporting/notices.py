"""The weekly at-risk notices (category "progress"): a digest for each trainer about their own courses, a nudge
for each trainee at risk; scheduled on Monday mornings (06:30 UTC: 07:30 or 08:30 in Warsaw, an hour later in
Vilnius)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.jobs.outbox import handler
from app.jobs.schedule import every
from app.notifications.kinds import register
from app.reporting.risk import notify_at_risk

# The digest's body is its list (one line per trainee and course, already in each language).
register("risk.digest", "progress", _l("Trainees at risk in your courses this week: %(count)s"), "%(lines)s")
register("risk.nudge", "progress", _l("You are falling behind in %(course)s"),
         _l("What we see: %(reasons)s. Open the course to catch up, or ask your trainer for help."))


@handler("reporting.at_risk_notices")
def _weekly(payload: dict) -> None:
    notify_at_risk()


every("reporting.at_risk_notices", "reporting.at_risk_notices", day_of_week=1, hour=6, minute=30)
