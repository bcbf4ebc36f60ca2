"""Domain errors and the error pages (each in the viewer's language)."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, SecurityError

from app.extensions import db
from app.storage.base import StorageUnavailable

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule of the domain refused an action; ``message`` is shown to the user (a lazy translation)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        #: The form field the message belongs to, when there is one.
        self.field = field


class ServiceUnavailable(Exception):
    """A backing service (database, storage) did not answer."""


ERROR_TEXTS = {
    400: (_l("Bad request"), _l("The request could not be understood. Please go back and try again.")),
    403: (_l("Access denied"), _l("You do not have permission to open this page.")),
    404: (_l("Page not found"), _l("The page you asked for does not exist or has been moved.")),
    405: (_l("Method not allowed"), _l("This action cannot be performed this way.")),
    413: (_l("File too large"), _l("The file is larger than the allowed size.")),
    429: (_l("Too many attempts"), _l("Too many attempts in a short time. Please wait a minute and try again.")),
    500: (_l("Something went wrong"), _l("An unexpected error occurred. It has been logged; please try again.")),
    503: (_l("Service unavailable"),
          _l("The service is temporarily unavailable. Nothing was saved; please try again in a few minutes.")),
}


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def render_error(code: int, message: str | None = None):
    title, text = ERROR_TEXTS.get(code, ERROR_TEXTS[500])
    if wants_json() or request.path.startswith("/api/"):
        return jsonify(error=str(title), message=str(message or text)), code
    return render_template("errors/error.html", code=code, title=title, message=message or text), code


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        log.info("CSRF check failed on %s: %s", request.path, error.description)
        return render_error(400, str(_l("The form has expired or was not sent from this site. "
                                        "Please reload the page and try again.")))

    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError):
        # A Host header outside TRUSTED_HOSTS: no URL can be built for it, so no page either.
        log.warning("request for an untrusted host refused: %s", error.description)
        return "Bad request: this server does not answer for that host name.\n", 400, {"Content-Type": "text/plain"}

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code not in ERROR_TEXTS:
            return error
        return render_error(error.code)

    @app.errorhandler(OperationalError)  # the database
    @app.errorhandler(StorageUnavailable)
    @app.errorhandler(ServiceUnavailable)
    def service_down(error: Exception):
        log.error("service unavailable: %s", error)
        db.session.rollback()
        return render_error(503)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        log.exception("unhandled error on %s", request.path)
        db.session.rollback()
        return render_error(500)
