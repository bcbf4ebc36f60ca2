"""Data protection: the privacy notice with the retention table, a person's data export, erasure on request."""

from flask import Blueprint

bp = Blueprint("privacy", __name__)


def blueprints():
    from app.privacy import routes  # noqa: F401  (register the views)

    return [bp]
