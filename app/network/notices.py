"""What the cluster network tells people (one category, "network"): coordinators learn that a member proposed its
entry or that a firm's manager waits for confirmation; the member's contact person learns the decision on the
entry, and a manager that they were confirmed."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.notifications.kinds import category, register

category("network", _l("Cluster network"), "immediately")
register("network.entry_submitted", "network", _l("%(company)s proposed changes to its directory entry"),
         _l("Review the proposal and approve or reject it."))
register("network.entry_approved", "network", _l("Your directory entry for %(company)s was approved"),
         _l("The entry is now public."))
register("network.entry_rejected", "network", _l("Your directory entry for %(company)s was not approved"),
         _l("Reason: %(reason)s"))
register("network.manager_waiting", "network", _l("%(name)s waits to be confirmed as a manager of %(company)s"),
         _l("Invited by %(inviter)s. Once confirmed, they see the training of the firm's own staff."))
register("network.manager_confirmed", "network", _l("You are now a manager of %(company)s"),
         _l("The firm view shows the training of the firm's staff."))
