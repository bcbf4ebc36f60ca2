"""What the exchange tells people (category "cooperation"): matching members learn of a new request, the requester
of an offer, the offering member of the decision, both sides of messages and the order's steps."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.notifications.kinds import category, register

category("cooperation", _l("Cooperation"), "immediately")
register("cooperation.request_matching", "cooperation", _l("New service request for %(company)s: %(title)s"),
         _l("%(requester)s asks for work that matches your capabilities. Answer with an offer."))
register("cooperation.offer_received", "cooperation", _l("New offer for “%(title)s” from %(offerer)s"),
         _l("Compare the offers and accept one."))
register("cooperation.offer_accepted", "cooperation", _l("Your offer for “%(title)s” was accepted"),
         _l("%(requester)s accepted the offer of %(offerer)s."))
register("cooperation.offer_declined", "cooperation", _l("Your offer for “%(title)s” was not chosen"),
         _l("%(requester)s accepted another offer."))
register("cooperation.message", "cooperation", _l("New message about “%(title)s”"),
         _l("%(author)s wrote in the thread."))
register("cooperation.status", "cooperation", _l("“%(title)s”: the order moved on"),
         _l("New status: %(status)s."))
