"""What the directory tells people (category "directory"): coordinators learn that a member proposed its entry;
the member's contact person learns the decision."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.notifications.kinds import category, register

category("directory", _l("Directory entries"), "immediately")
register("network.entry_submitted", "directory", _l("%(company)s proposed changes to its directory entry"),
         _l("Review the proposal and approve or reject it."))
register("network.entry_approved", "directory", _l("Your directory entry for %(company)s was approved"),
         _l("The entry is now public."))
register("network.entry_rejected", "directory", _l("Your directory entry for %(company)s was not approved"),
         _l("Reason: %(reason)s"))
