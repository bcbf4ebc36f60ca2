"""Catalogue: specialisations, courses, modules, lessons and materials; import of ``courses/``; authoring."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.home import for_trainers, register_home_panel
from app.core.navigation import register_nav
from app.core.permissions import Role

bp = Blueprint("catalogue", __name__)


def blueprints():
    from app.catalogue import authoring_routes, routes, upload_routes  # noqa: F401  (register the views)

    return [bp]


def init_app(app):
    from app.catalogue import captions, cli, demo, home, maintenance, processing, versions  # noqa: F401  (registrations)
    from app.catalogue.front import specialisations
    from app.core.sections import register_section
    from app.storage.references import register_reference_source

    app.cli.add_command(cli.courses_cli)
    register_section("core.front", "catalogue.specialisations", 20, "catalogue/_front_specialisations.html",
                     specialisations)
    register_reference_source("materials", maintenance.material_references)
    register_reference_source("pending_uploads", maintenance.pending_upload_references)
    register_reference_source("captions", captions.caption_references)
    register_reference_source("material_media", processing.media_references)
    register_home_panel("catalogue.uploads", 40, "catalogue/_home_uploads.html", home.uploads_processing,
                        visible_if=for_trainers)
    register_nav("catalogue.index", _l("Courses"), 10)
    register_nav("catalogue.teach", _l("My teaching"), 30, roles=(Role.TRAINER, Role.COORDINATOR))
