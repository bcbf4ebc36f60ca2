"""The cluster network: members (firms and craftspeople) with their capabilities, machine park, certifications,
products and services; the public directory and its search; moderated self-service entries; the offer
catalogue; employers as members; the firm view for firms' managers."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.navigation import register_nav

bp = Blueprint("network", __name__)


def blueprints():
    from app.network import catalogue_routes, entry_routes, people_routes, routes  # noqa: F401  (the views)

    return [bp]


def init_app(app):
    from app.core.employers import register_employer_hooks
    from app.core.home import for_coordinators, register_home_panel
    from app.core.sections import register_section
    from app.network import (  # noqa: F401  (they register: builders, jobs, demo steps, notification kinds)
        catalogue,
        cli,
        demo,
        employers_demo,
        entry_demo,
        home,
        images,
        notices,
    )
    from app.network.employers import member_names, resolve_employer
    from app.network.people_routes import employers_panel, managers_section
    from app.storage.references import register_reference_source

    app.cli.add_command(cli.network_cli)
    register_nav("network.directory", _l("Directory"), 12)
    register_home_panel("network.entries", 25, "network/_home_entries.html", home.entries_waiting,
                        visible_if=for_coordinators)
    register_home_panel("network.my_entry", 30, "network/_home_my_entry.html", home.my_entries,
                        visible_if=home.is_contact)
    register_reference_source("member_images", images.image_references)
    # Accounts and enrolment take people's employers without importing the network (which imports accounts).
    register_employer_hooks(resolve_employer, member_names)
    from app.network.front import member_counts

    register_section("core.front", "network.directory", 30, "network/_front_directory.html", member_counts)
    register_section("network.member", "network.managers", 60, "network/people_managers.html", managers_section)
    register_home_panel("network.employers", 40, "network/employers_home.html", employers_panel,
                        visible_if=for_coordinators)
