"""E-mails about enrolments: invitations for people who have no login yet.

Status changes (a place, the waiting list, a decision) are notifications, sent by the services where the change
happens (``app.enrolment.notices``). Routes call ``invite`` inside the request's transaction, right after the
service that created the invitations: the messages are written to the outbox in that transaction and a worker
sends them once it has committed (a refused or failed request sends nothing).
"""

from __future__ import annotations

from collections.abc import Iterable

from app.accounts.mails import send_invitation
from app.accounts.models import Invitation


def invite(invitations: Iterable[Invitation]) -> None:
    """Send each invitation (its link names the row committed with the message)."""
    for invitation in invitations:
        send_invitation(invitation)
