"""Telling people: ``notify`` writes notifications in the change's transaction; mail leaves through the outbox.

    notify([trainee], "meeting.moved", {"title": meeting.title, "starts_at": meeting.starts_at.isoformat()},
           link=url_for("training.meeting", meeting_id=meeting.id), key=f"meeting.moved:{meeting.id}:{stamp}")

Each recipient sees it in the app at once; by mail according to their preference for its category: immediately
(one mail, by a worker), in the daily digest, or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select, update

from app.accounts.models import User
from app.core.db import utcnow
from app.extensions import db
from app.jobs.outbox import enqueue
from app.notifications.kinds import CATEGORIES, KINDS
from app.notifications.models import Delivery, Notification, NotificationPreference


def delivery_for(user_id: int, category: str) -> Delivery:
    chosen = db.session.scalar(select(NotificationPreference.delivery).where(
        NotificationPreference.user_id == user_id, NotificationPreference.category == category))
    return chosen or Delivery(CATEGORIES[category].default)


def notify(recipients: Iterable[User], kind: str, params: dict | None = None, *, link: str | None = None,
           key: str | None = None) -> list[Notification]:
    """Tell each recipient (people without a login or an e-mail only in the app, if at all). With ``key``, a
    recipient already told under the same key is not told again (a reminder, a retried job)."""
    spec = KINDS[kind]
    created = []
    for user in {u.id: u for u in recipients if u is not None}.values():
        if not user.is_active or user.erased_at is not None:
            continue
        if key is not None and db.session.scalar(select(Notification.id).where(
                Notification.user_id == user.id, Notification.kind == kind,
                Notification.params["key"].as_string() == key)):
            continue
        notification = Notification(user_id=user.id, kind=kind, category=spec.category,
                                    params={**(params or {}), **({"key": key} if key else {})}, link=link)
        db.session.add(notification)
        created.append(notification)
    if not created:
        return created
    db.session.flush()
    db.session.execute(update(User).where(User.id.in_([n.user_id for n in created]))
                       .values(unread_notifications=User.unread_notifications + 1))
    for notification in created:
        user = db.session.get(User, notification.user_id)
        if (user.email and CATEGORIES[spec.category].mailable
                and delivery_for(user.id, spec.category) == Delivery.IMMEDIATELY):
            enqueue("notifications.mail", {"notification": notification.id})
    return created


def mark_read(user: User, notification: Notification) -> None:
    if notification.read_at is None and notification.user_id == user.id:
        notification.read_at = utcnow()
        db.session.execute(update(User).where(User.id == user.id, User.unread_notifications > 0)
                           .values(unread_notifications=User.unread_notifications - 1))


def mark_all_read(user: User) -> int:
    count = db.session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)).values(read_at=utcnow())).rowcount or 0
    db.session.execute(update(User).where(User.id == user.id).values(unread_notifications=0))
    return count


def set_delivery(user: User, category: str, delivery: Delivery) -> None:
    if category not in CATEGORIES:
        raise KeyError(category)
    row = db.session.scalar(select(NotificationPreference).where(
        NotificationPreference.user_id == user.id, NotificationPreference.category == category))
    if row is None:
        db.session.add(NotificationPreference(user_id=user.id, category=category, delivery=delivery))
    else:
        row.delivery = delivery
    db.session.flush()


def as_param(moment: datetime) -> str:
    """A time as a notification param (shown later on the reader's clock)."""
    return moment.isoformat()
