"""E-mails about enrolments, each in the recipient's language.

Routes call ``notify`` and ``invite`` inside the request's transaction, right after the service that made the
change: the messages are written to the outbox in that transaction and a worker sends them once it has committed
(a refused or failed request sends nothing). The route decides whom to tell, because the same service serves
several routes (a coordinator's enrolment tells the person, the bulk import invites new addresses but sends no
status notices).
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import render_template
from flask_babel import force_locale, gettext as _

from app.accounts.mails import send_invitation
from app.accounts.models import Invitation
from app.core.translated import pick
from app.core.urls import external_url
from app.enrolment.models import Enrolment
from app.enrolment.services import Outcome
from app.jobs.mail import queue_mail


def send_status_notice(enrolment: Enrolment, reason: str | None = None) -> None:
    """Tell the person their place, their place on the waiting list, or the decision on their request."""
    user = enrolment.user
    if not user.email:
        return  # managed participants are informed by their coordinator
    with force_locale(user.language):
        title = pick(enrolment.course.title, enrolment.course.source_language, user.language)
        body = render_template("enrolment/mail/status.txt", user=user, enrolment=enrolment, course_title=title,
                               reason=reason, link=external_url("learning.course", course_id=enrolment.course_id))
        queue_mail(user.email, _("MCC: your enrolment in %(course)s", course=title), body)


def notify(outcome: Outcome, reason: str | None = None, include_self: bool = False) -> None:
    """Tell the people promoted from the waiting list (and, if asked, the person concerned)."""
    if include_self:
        send_status_notice(outcome.enrolment, reason)
    for enrolment in outcome.promoted:
        send_status_notice(enrolment)


def invite(invitations: Iterable[Invitation]) -> None:
    """Send each invitation (its link names the row committed with the message)."""
    for invitation in invitations:
        send_invitation(invitation)
