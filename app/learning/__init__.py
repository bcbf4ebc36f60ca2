"""Learning: lesson progress and video watching, quizzes, completion rules, certificates and their verification."""

import logging

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.navigation import register_nav
from app.core.permissions import Role

bp = Blueprint("learning", __name__)


def blueprints():
    from app.learning import authoring_routes, routes  # noqa: F401  (register the views)

    return [bp]


def _record_view(lesson, user=None, **_kwargs):
    from app.learning import progress

    if user is None or not user.is_authenticated:
        return
    from sqlalchemy.exc import OperationalError

    from app.extensions import db

    # A visit is worth recording, not worth failing the page for: SQLite under concurrent writers may refuse
    # the write ("database is locked"); the savepoint keeps the rest of the request's transaction intact.
    try:
        with db.session.begin_nested():
            progress.lesson_opened(user, lesson)
    except OperationalError:
        logging.getLogger(__name__).warning("lesson visit of user %s not recorded: database busy", user.id)


def init_app(app):
    from app.catalogue.signals import lesson_viewed
    from app.learning import completion, course_files, demo, progress  # noqa: F401  (signals, import section)

    lesson_viewed.connect(_record_view, weak=False)
    register_nav("learning.dashboard", _l("My learning"), 15, roles=(Role.TRAINEE,))
    register_nav("learning.certificates_list", _l("Certificates"), 60, roles=(Role.COORDINATOR,))
