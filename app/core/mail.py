"""Outgoing e-mail. Development writes messages to a local outbox (and the log); production sends by SMTP."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app

from app.core.db import utcnow

log = logging.getLogger(__name__)


def send_mail(to: str, subject: str, body: str, *, message_id: str | None = None,
              attachments: tuple[dict, ...] | list[dict] = (), headers: dict[str, str] | None = None) -> EmailMessage:
    """Send a plain-text message with the configured backend and return it (requests do not call this: they
    queue mail with ``app.jobs.mail.queue_mail``; workers send it)."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="mcc.localhost")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    for attachment in attachments:
        maintype, _, subtype = attachment["content_type"].partition("/")
        subtype = subtype.split(";")[0]
        if maintype == "text":  # an .ics: text with its charset named
            message.add_attachment(attachment["text"], subtype=subtype, charset="utf-8",
                                   filename=attachment["filename"])
        else:
            message.add_attachment(attachment["text"].encode(), maintype=maintype, subtype=subtype,
                                   filename=attachment["filename"])

    backend = config["MAIL_BACKEND"]
    if backend == "smtp":
        with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=30) as smtp:
            if config["SMTP_STARTTLS"]:
                smtp.starttls()
            if config["SMTP_USERNAME"]:
                smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"] or "")
            smtp.send_message(message)
    elif backend == "memory":
        current_app.extensions.setdefault("mcc_sent_mail", []).append(message)
    else:
        outbox = Path(config["MAIL_OUTBOX"])
        outbox.mkdir(parents=True, exist_ok=True)
        path = outbox / f"{utcnow():%Y%m%dT%H%M%S%f}-{abs(hash(message['Message-ID']))}.eml"
        path.write_bytes(message.as_bytes())
        # Never the body: it may hold a live password-reset or invitation link, and logs travel further.
        log.info("mail to %s written to %s: %s", to, path, subject)
    return message
