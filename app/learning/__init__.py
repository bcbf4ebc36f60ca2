"""Learning: lesson progress and video watching, quizzes, completion rules, certificates and their verification."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.home import for_trainees, register_home_panel
from app.core.navigation import register_nav
from app.core.permissions import Role

bp = Blueprint("learning", __name__)


def blueprints():
    from app.learning import authoring_routes, media_routes, routes, study_routes  # noqa: F401  (register the views)

    return [bp]


def init_app(app):
    from app.learning import completion, course_files, demo, home, progress  # noqa: F401  (signals, import section)

    register_home_panel("learning.continue", 20, "learning/_home_continue.html", home.continue_learning,
                        visible_if=for_trainees)
    register_home_panel("learning.certificate", 30, "learning/_home_certificate.html", home.certificate_gaps,
                        visible_if=for_trainees)

    register_nav("learning.dashboard", _l("My progress"), 15, roles=(Role.TRAINEE,))
