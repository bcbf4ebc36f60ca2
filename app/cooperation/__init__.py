"""Cooperation between members: service requests (orders between members) with offers, threads, the order's
steps and ratings; and the cooperation figures for coordinators."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("cooperation", __name__, url_prefix="/cooperation")


def blueprints():
    from app.cooperation import routes  # noqa: F401  (register the views)

    return [bp]


def init_app(app):
    from app.cooperation import demo, home, maintenance, notices  # noqa: F401  (demo data, notification kinds)
    from app.cooperation.policies import can_use
    from app.core.home import register_home_panel
    from app.core.navigation import register_nav
    from app.storage.references import register_reference_source

    register_reference_source("cooperation_files", maintenance.file_references)
    register_home_panel("cooperation.requests", 40, "cooperation/_home.html", home.panel, visible_if=can_use)
    register_nav("cooperation.index", _l("Cooperation"), 45, visible_if=can_use)
