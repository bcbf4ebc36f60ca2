"""Notices of the bulletin: proposals to coordinators and decisions to the proposer (category "bulletin_posts"),
and the published issue to subscribers (category "bulletin", off unless a person subscribes on the notification
settings page: "daily" puts it in the daily summary, "immediately" mails it at once)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.notifications.kinds import category, register

category("bulletin", _l("Bulletin"), "off")
category("bulletin_posts", _l("Bulletin posts"), "immediately")

register("bulletin.proposed", "bulletin_posts", _l("A post was proposed for the bulletin: %(title)s"),
         _l("Proposed by %(author)s. Publish it or reject it with a reason."))
register("bulletin.approved", "bulletin_posts", _l("Your post was published in the bulletin: %(title)s"))
register("bulletin.rejected", "bulletin_posts", _l("Your post was not published: %(title)s"),
         _l("Reason: %(reason)s"))
register("bulletin.issue", "bulletin", _l("Bulletin no. %(number)s: %(title)s"),
         _l("A new issue of the cluster's bulletin has been published."))
