"""What the trainee and the host firm's mentors are told about a placement (category "placements"), and about
its logbook (category "logbook": the mentors' days to review, by default in the daily summary; a returned day).
Nobody else is told: another trainee never learns about someone's placement."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.notifications.kinds import register

register("placement.proposed", "placements", _l("Internship proposed: %(trainee)s at %(company)s"),
         _l("Period: %(period)s."))
register("placement.agreed", "placements", _l("Internship confirmed: %(trainee)s at %(company)s"),
         _l("Period: %(period)s. The logbook is open."))
register("placement.completed", "placements", _l("Internship completed: %(trainee)s at %(company)s"),
         _l("Period: %(period)s."))
register("placement.cancelled", "placements", _l("Internship cancelled: %(trainee)s at %(company)s"),
         _l("Reason: %(reason)s"))
register("logbook.waiting", "logbook", _l("Logbook days of %(trainee)s wait for your review"),
         _l("Internship at %(company)s: confirm the days or return them with a comment."))
register("logbook.returned", "logbook", _l("Your logbook day %(day)s was returned"),
         _l("Your mentor's comment: %(comment)s"))
