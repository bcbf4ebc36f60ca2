"""The installable app (PWA): the web app manifest, the service worker at /sw.js, the offline fallback page, the
"Offline" page listing what is saved on this device, and the replay keys that make a queued action count once."""

from flask import Blueprint

bp = Blueprint("offline", __name__)


def blueprints():
    from app.offline import routes  # noqa: F401  (register the views)

    return [bp]


def init_app(app):
    from app.offline import idempotency  # noqa: F401  (the upkeep that forgets old replay keys)
