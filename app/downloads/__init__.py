"""Generated downloads: files a worker builds because someone asked (an evidence pack, a large export), shown on a
progress page while they are made, offered to the person who asked when ready, and deleted when they expire.

Domains register what they can build (``services.builder``); the mechanism (the row, the job, the progress, the
download, the expiry) is here, below training and reporting, so both use it."""

from flask import Blueprint

bp = Blueprint("downloads", __name__, url_prefix="/downloads")


def blueprints():
    from app.downloads import routes  # noqa: F401  (register the views)

    return [bp]


def init_app(app):
    from app.downloads import notices, services  # noqa: F401  (the build job, the upkeep, the "ready" notice)
    from app.storage.references import register_reference_source

    register_reference_source("generated_files", services.generated_references)
