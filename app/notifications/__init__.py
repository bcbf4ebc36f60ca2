"""Notifications: what people are told, in the app (with the header's unread count) and by mail as each person
prefers per category (at once, a daily summary, or only in the app)."""

from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


def blueprints():
    from app.notifications import routes  # noqa: F401  (register the views)

    return [bp]


def init_app(app):
    from app.notifications import delivery  # noqa: F401  (mail handlers and the digest schedule)
