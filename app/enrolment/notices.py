"""What people are told about enrolments (category "enrolment"). The services notify where the status changes;
the texts are filled when read, in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.notifications.kinds import register

# To the person whose enrolment changed (not when they changed it themselves: they saw it on the page).
register("enrolment.enrolled", "enrolment", _l("You are enrolled in %(course)s"),
         _l("You have a place in the course %(course)s."))
register("enrolment.waitlisted", "enrolment", _l("You are on the waiting list of %(course)s"),
         _l("The course %(course)s is full. You are on its waiting list and will get a place automatically when "
            "one frees up."))
register("enrolment.promoted", "enrolment", _l("A place freed up: you are enrolled in %(course)s"),
         _l("You moved up from the waiting list and have a place in the course %(course)s."))
register("enrolment.rejected", "enrolment", _l("Your request to join the course %(course)s was not accepted."),
         _l("Reason: %(reason)s"))
register("enrolment.withdrawn", "enrolment", _l("You are no longer enrolled in the course %(course)s."))
# To the course's trainers, who decide on requests.
register("enrolment.requested", "enrolment", _l("%(name)s asks to join %(course)s"),
         _l("Accept or refuse the request on the course's enrolment page."))
