"""The REST API under /api/v1 (flask-smorest: marshmallow schemas, an OpenAPI description generated from the
code), personal and service tokens, and the interactive documentation. It calls the domains' services and
policies; it holds no rule of its own beyond what a token's scopes allow."""

from flask import Blueprint, Flask

bp = Blueprint("api", __name__)


def blueprints():
    from app.api import web  # noqa: F401  (register the views)
    from app.api.core import fallback

    return [bp, fallback]


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from app.api import routes, work_routes
    from app.api.policies import can_issue_service_tokens
    from app.core.navigation import register_nav

    register_nav("api.service_tokens", _l("API tokens"), 86, visible_if=can_issue_service_tokens)
    from app.api.core import Api, routing_error

    app.config.setdefault("API_TITLE", "MCC API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("API_RATE_LIMIT", "120 per minute")
    app.config.setdefault("API_SPEC_OPTIONS", {
        "info": {"description": "MCC's REST API. Authenticate with a personal or service token: "
                                "`Authorization: Bearer <token>`. Errors are RFC 9457 problem details."},
        "security": [{"token": []}],
    })
    api = Api(app)
    api.spec.components.security_scheme("token", {"type": "http", "scheme": "bearer",
                                                  "description": "A personal or service token (mcc_…)"})
    for blueprint in (routes.account, routes.courses, routes.learning, routes.meetings, work_routes.placements,
                      work_routes.figures):
        api.register_blueprint(blueprint)
    app.extensions["mcc_api"] = api
    # By status code, so it comes before core's handler for every HTTPException (which it keeps for pages).
    app.register_error_handler(404, routing_error)
    app.register_error_handler(405, routing_error)
