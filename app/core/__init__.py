"""Cross-cutting pieces every domain uses: database base classes, permissions, i18n, errors, mail, CLI."""

from flask import Blueprint

bp = Blueprint("core", __name__)


def blueprints():
    from app.core import routes  # noqa: F401  (registers the views on bp)

    return [bp]


def init_app(app):
    from app.core.cli import init_cli

    init_cli(app)
