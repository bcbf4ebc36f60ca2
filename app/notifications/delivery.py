"""Mail for notifications, done by workers: one mail for a notification its reader wants at once, one daily
digest for those they want once a day (at 07:00 on their own clock). Every mail carries a signed link that turns
its category off without logging in."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import current_app, render_template
from flask_babel import force_locale, gettext as _
from sqlalchemy import select

from app.accounts.models import User
from app.core.db import utcnow
from app.core.mail import send_mail
from app.core.tokens import make_token
from app.core.urls import external_url
from app.extensions import db
from app.jobs.outbox import enqueue, handler
from app.jobs.schedule import every
from app.notifications.kinds import CATEGORIES, KINDS, texts
from app.notifications.models import Delivery, Notification
from app.notifications.services import delivery_for

UNSUBSCRIBE_PURPOSE = "unsubscribe"
#: The digest leaves at this hour on each reader's clock.
DIGEST_HOUR = 7


def unsubscribe_url(user: User, category: str) -> str:
    return external_url("notifications.unsubscribe", token=make_token(
        UNSUBSCRIBE_PURPOSE, {"user": user.id, "category": category}))


def _mail(user: User, subject: str, body: str, categories: list[str], attachments: list[dict]) -> None:
    stop = unsubscribe_url(user, categories[0]) if len(categories) == 1 else external_url(
        "notifications.settings")
    headers = {"List-Unsubscribe": f"<{stop}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"} \
        if len(categories) == 1 else {}
    send_mail(user.email, subject, body + "\n\n" + _("Stop these messages: %(url)s", url=stop),
              attachments=attachments, headers=headers)


@handler("notifications.mail", attempts=12)
def send_one(payload: dict) -> None:
    notification = db.session.get(Notification, payload["notification"])
    if notification is None or notification.mailed_at is not None:
        return  # already mailed (a retried job) or erased
    user = db.session.get(User, notification.user_id)
    if not user or not user.email or delivery_for(user.id, notification.category) != Delivery.IMMEDIATELY:
        return
    with force_locale(user.language):
        title, body = texts(notification.kind, notification.params, user.language, user.timezone)
        link = current_app.config.get("BASE_URL") or ""
        text = render_template("notifications/mail/one.txt", user=user, title=title, body=body,
                               link=(link.rstrip("/") + notification.link) if link and notification.link
                               else external_url("notifications.index"))
        attachments = [a for a in (build(notification) for build in KINDS[notification.kind].attachments) if a]
        _mail(user, title, text, [notification.category], attachments)
    notification.mailed_at = utcnow()


@handler("notifications.digest", attempts=6)
def start_digests(payload: dict) -> None:
    """Hourly: a digest job for every reader whose clock shows 07:xx and who has something waiting for it (one
    job each, so one failing mailbox does not hold up the others)."""
    now = utcnow()
    waiting = db.session.scalars(select(Notification.user_id).where(
        Notification.mailed_at.is_(None), Notification.read_at.is_(None),
        Notification.created_at >= now - timedelta(days=7)).distinct())
    for user_id in list(waiting):
        user = db.session.get(User, user_id)
        if user and user.email and now.astimezone(ZoneInfo(user.timezone)).hour == DIGEST_HOUR:
            enqueue("notifications.digest_for", {"user": user_id}, key=f"digest:{user_id}:{now:%Y-%m-%d}")


@handler("notifications.digest_for", attempts=12)
def send_digest(payload: dict) -> None:
    user = db.session.get(User, payload["user"])
    if user is None or not user.email:
        return
    daily = [n for n in db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.mailed_at.is_(None), Notification.read_at.is_(None))
        .order_by(Notification.id))
        if CATEGORIES[n.category].mailable and delivery_for(user.id, n.category) == Delivery.DAILY]
    if not daily:
        return
    with force_locale(user.language):
        items = [texts(n.kind, n.params, user.language, user.timezone) for n in daily]
        text = render_template("notifications/mail/digest.txt", user=user, items=items,
                               link=external_url("notifications.index"))
        _mail(user, _("MCC: your daily summary (%(n)s)", n=len(items)), text, sorted({n.category for n in daily}), [])
    now = utcnow()
    for notification in daily:
        notification.mailed_at = now


every("notifications.digest", "notifications.digest", minute=5)
