"""Training meetings, attendance (roster, QR check-in, tickets), attendance sheets, evidence packs, calendars."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.navigation import register_nav
from app.core.permissions import Role

bp = Blueprint("training", __name__)


def blueprints():
    from app.training import checkin_routes, routes  # noqa: F401  (register the views)

    return [bp]


def init_app(app):
    from app.storage.references import register_reference_source
    from app.training import demo, maintenance, notices, services  # noqa: F401  (merge step, demo seeder, kinds)

    register_reference_source("signed_sheets", maintenance.signed_sheet_references)
    register_nav("training.my_training", _l("My meetings"), 20, roles=(Role.TRAINEE,))
    register_nav("training.meetings", _l("Meetings"), 40, roles=(Role.TRAINER, Role.COORDINATOR))
