"""Training meetings, attendance (roster, QR check-in, tickets), attendance sheets, evidence packs, calendars."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.home import for_coordinators, for_trainees, for_trainers, register_home_panel
from app.core.navigation import register_nav
from app.core.permissions import Role

bp = Blueprint("training", __name__)


def blueprints():
    from app.training import checkin_routes, routes  # noqa: F401  (register the views)

    return [bp]


def init_app(app):
    from app.storage.references import register_reference_source
    from app.training import demo, home, maintenance, notices, services  # noqa: F401  (merge step, demo seeder, kinds)

    register_reference_source("signed_sheets", maintenance.signed_sheet_references)
    register_home_panel("training.today", 10, "training/_home_today.html", home.trainee_meetings,
                        visible_if=for_trainees)
    register_home_panel("training.trainer_meetings", 10, "training/_home_trainer.html", home.trainer_meetings,
                        visible_if=for_trainers)
    register_home_panel("training.unsigned_sheets", 40, "training/_home_sheets.html", home.unsigned_sheets,
                        visible_if=for_coordinators)
    register_nav("training.my_training", _l("My meetings"), 20, roles=(Role.TRAINEE,))
    register_nav("training.meetings", _l("Meetings"), 40, roles=(Role.TRAINER, Role.COORDINATOR))
