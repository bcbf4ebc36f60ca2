"""E-mails about enrolments, each in the recipient's language."""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale, gettext as _

from app.core.mail import send_mail
from app.core.translated import pick
from app.core.urls import external_url
from app.enrolment.models import Enrolment


def send_status_notice(enrolment: Enrolment, reason: str | None = None) -> None:
    """Tell the person their place, their place on the waiting list, or the decision on their request."""
    user = enrolment.user
    if not user.email:
        return  # managed participants are informed by their coordinator
    with force_locale(user.language):
        title = pick(enrolment.course.title, enrolment.course.source_language, user.language)
        body = render_template("enrolment/mail/status.txt", user=user, enrolment=enrolment, course_title=title,
                               reason=reason, link=external_url("learning.course", course_id=enrolment.course_id))
        send_mail(user.email, _("MCC: your enrolment in %(course)s", course=title), body)
