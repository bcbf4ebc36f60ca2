"""Looking at what people were told: their notification rows, the texts as they read them, and the mail a worker
would send (the "notifications.mail" handler run here, with the "memory" mail backend)."""

from __future__ import annotations

from email.message import EmailMessage

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.jobs.models import OutboxMessage
from app.notifications.kinds import texts
from app.notifications.models import Notification


def notices(user: User, kind: str | None = None) -> list[Notification]:
    """The person's notifications (oldest first), optionally of one kind."""
    db.session.expire_all()
    query = select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    if kind is not None:
        query = query.where(Notification.kind == kind)
    return list(db.session.scalars(query))


def kinds_of(user: User) -> list[str]:
    return [n.kind for n in notices(user)]


def unread(user: User) -> int:
    """The header's count, as stored on the user row."""
    db.session.expire_all()
    return db.session.get(User, user.id).unread_notifications


def shown(notification: Notification) -> tuple[str, str]:
    """(title, body) as the reader sees it: in their language, times on their clock."""
    user = db.session.get(User, notification.user_id)
    with force_locale(user.language):
        return texts(notification.kind, notification.params, user.language, user.timezone)


def mail_jobs(notification: Notification | None = None) -> list[OutboxMessage]:
    """The "notifications.mail" outbox rows (of one notification, when given)."""
    db.session.expire_all()
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "notifications.mail")
                              .order_by(OutboxMessage.id))
    return [r for r in rows if notification is None or r.payload.get("notification") == notification.id]


def deliver(notification: Notification) -> list[EmailMessage]:
    """Run the worker's "notifications.mail" handler for the notification here; the messages it sent."""
    from app.jobs.outbox import HANDLERS

    sent = current_app.extensions.setdefault("mcc_sent_mail", [])
    before = len(sent)
    # The handler builds absolute links with url_for, which needs a request (or SERVER_NAME) outside a request.
    with current_app.test_request_context():
        HANDLERS["notifications.mail"].run({"notification": notification.id})
    db.session.flush()
    return sent[before:]


def body_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def attachments_of(message: EmailMessage) -> list[tuple[str, str, str]]:
    """(filename, content type, text) of each attachment (iCalendar text is UTF-8, RFC 5545)."""
    return [(part.get_filename(), part.get_content_type(), part.get_payload(decode=True).decode())
            for part in message.iter_attachments()]


def digest(user: User) -> list[EmailMessage]:
    """Run the worker's daily-summary job for the person here; the messages it sent."""
    from app.jobs.outbox import HANDLERS

    sent = current_app.extensions.setdefault("mcc_sent_mail", [])
    before = len(sent)
    with current_app.test_request_context():
        HANDLERS["notifications.digest_for"].run({"user": user.id})
    db.session.flush()
    return sent[before:]
