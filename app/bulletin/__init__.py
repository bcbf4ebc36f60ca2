"""The bulletin: news posts (written by coordinators, proposed by members), periodic issues with a PDF, an Atom
feed of the public posts, and a mail to the people who subscribed to the "Bulletin" notifications."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.navigation import register_nav

bp = Blueprint("bulletin", __name__, url_prefix="/bulletin")


def blueprints():
    from app.bulletin import routes  # noqa: F401  (register the views)

    return [bp]


def init_app(app):
    from app.bulletin import demo, notices, services  # noqa: F401  (demo step, notification kinds, job handlers)
    from app.bulletin.front import latest_posts
    from app.bulletin.images import image_references
    from app.core.sections import register_section
    from app.storage.references import register_reference_source

    register_section("core.front", "bulletin.latest", 10, "bulletin/_front_latest.html", latest_posts)
    register_nav("bulletin.index", _l("Bulletin"), 60)
    register_reference_source("bulletin_images", image_references)
