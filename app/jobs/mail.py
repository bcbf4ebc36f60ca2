"""E-mail leaves through the outbox: a request writes the rendered message, a worker sends it.

The request never talks to SMTP (an SMTP outage cannot fail a saved change, and a password-reset request costs
the same whether the address has an account or not); the worker retries with growing delays until the server
answers. The Message-ID is fixed when the message is written, so a retried send is the same message.
"""

from __future__ import annotations

from email.utils import make_msgid

from app.core.mail import send_mail
from app.jobs.models import OutboxMessage
from app.jobs.outbox import enqueue, handler


def queue_mail(to: str, subject: str, body: str, *, attachments: tuple[dict, ...] = (),
               key: str | None = None) -> OutboxMessage | None:
    """Send this mail once the current transaction commits. ``attachments``: dicts with filename, content_type
    and text (e.g. an .ics)."""
    return enqueue("mail.send", {"to": to, "subject": subject, "body": body, "attachments": list(attachments),
                                 "message_id": make_msgid(domain="mcc.localhost")}, key=key)


@handler("mail.send", attempts=12)
def _send(payload: dict) -> None:
    send_mail(payload["to"], payload["subject"], payload["body"], message_id=payload.get("message_id"),
              attachments=payload.get("attachments") or ())
