"""The API's plumbing: the flask-smorest ``Api``, token authentication, scopes, problem details, paging, limits.

Every API view is declared with ``@endpoint(scope)`` under one of the area blueprints made by ``api_blueprint``.
Requests authenticate with ``Authorization: Bearer <token>`` only: the session cookie is never read here (so no
CSRF hole), and the API never sets one. The token's owner becomes ``current_user`` for the request, so the
domains' policies and services apply to API calls exactly as to pages; the token's scopes narrow that further.
"""

from __future__ import annotations

import http
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import marshmallow as ma
from flask import Blueprint as FlaskBlueprint, current_app, g, request
from flask_babel import force_locale, lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_smorest import Api as SmorestApi, Blueprint
from flask_smorest.utils import prepare_response
from werkzeug.exceptions import HTTPException

from app.api.models import ApiToken, TokenScope
from app.api.tokens import find_token, secret_hash
from app.core.errors import DomainError
from app.core.i18n import LANGUAGES
from app.core.uow import refused
from app.extensions import csrf, db, limiter

F = TypeVar("F", bound=Callable[..., Any])
PREFIX = "/api/v1"
PROBLEM_TYPE = "application/problem+json"
#: The most rows one page of a list holds.
MAX_PER_PAGE = 100


class Api(SmorestApi):
    """flask-smorest, with RFC 9457 problem details documented as every error response and no error handlers on
    the whole app (the web pages keep theirs; the API blueprints get their own, ``_register_problem_handlers``)."""

    def _register_error_handlers(self) -> None:
        pass

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = ProblemSchema
            prepare_response(response, self.spec, PROBLEM_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Problem details (RFC 9457)", "schema": ProblemSchema}
        prepare_response(response, self.spec, PROBLEM_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


api = Api()


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details; ``title`` and ``detail`` are in the requester's language."""

    type = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    detail = ma.fields.String()
    instance = ma.fields.String()
    #: Field validation: the field (or location, then field) → its messages.
    errors = ma.fields.Dict()


PROBLEM_TITLES = {
    400: _l("Bad request"),
    401: _l("Authentication required"),
    403: _l("Not allowed"),
    404: _l("Not found"),
    405: _l("Method not allowed"),
    409: _l("Conflict"),
    412: _l("Precondition failed"),
    415: _l("Unsupported media type"),
    422: _l("Invalid input"),
    428: _l("Precondition required"),
    429: _l("Too many requests"),
    500: _l("Server error"),
    503: _l("Service unavailable"),
}
PROBLEM_DETAILS = {
    401: _l("Send a valid API token in the header: Authorization: Bearer <token>."),
    403: _l("Your token or your account does not allow this."),
    404: _l("There is nothing at this address, or you may not see it."),
    405: _l("This address does not accept this method."),
    422: _l("Some values are missing or not valid; see errors."),
    429: _l("Too many requests for this token. Wait a minute and try again."),
    500: _l("An unexpected error occurred. It has been logged; please try again."),
    503: _l("The service is temporarily unavailable. Nothing was saved; please try again in a few minutes."),
}


def api_language() -> str:
    """The requester's language: the Accept-Language header when it names one of ours, else the token owner's."""
    if request.headers.get("Accept-Language"):
        chosen = request.accept_languages.best_match(LANGUAGES)
        if chosen:
            return chosen
    token = g.get("api_token")
    if token is not None and token.user.language in LANGUAGES:
        return token.user.language
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def problem(status: int, detail: Any = None, *, errors: dict | None = None, headers: dict | None = None):
    """A problem-details response (RFC 9457) in the requester's language."""
    with force_locale(api_language()):
        body: dict[str, Any] = {
            "type": "about:blank",
            "title": str(PROBLEM_TITLES.get(status) or http.HTTPStatus(status).phrase),
            "status": status,
            "instance": request.path,
        }
        text = detail if detail is not None else PROBLEM_DETAILS.get(status)
        if text is not None:
            body["detail"] = str(text)
        if errors:
            body["errors"] = errors
    response = current_app.response_class(current_app.json.dumps(body), status=status, mimetype=PROBLEM_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="mcc"'
    return response


class ApiProblem(HTTPException):
    """Raised inside API views: answered as problem details."""

    def __init__(self, status: int, detail: Any = None, errors: dict | None = None):
        super().__init__()
        self.code = status
        self.detail, self.errors = detail, errors


def fail(status: int, detail: Any = None, errors: dict | None = None):
    raise ApiProblem(status, detail, errors)


def _handle_http_error(error: HTTPException):
    if isinstance(error, ApiProblem):
        return problem(error.code or 400, error.detail, errors=error.errors)
    code = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or data.get("messages")
    headers = dict(data.get("headers") or {})
    if code == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    if code == 429:
        headers["Retry-After"] = "60"
    return problem(code, None, errors=_flat_errors(errors) if errors else None, headers=headers)


def _flat_errors(errors: Any) -> dict:
    """webargs groups messages by location (``{"query": {"page": [...]}}``); the problem keeps them as they are
    but makes sure every message is text."""
    if isinstance(errors, dict):
        return {str(key): _flat_errors(value) if isinstance(value, dict)
                else [str(m) for m in (value if isinstance(value, list) else [value])]
                for key, value in errors.items()}
    return {"_": [str(errors)]}


# -- authentication ---------------------------------------------------------------------------------------------
def bearer_secret() -> str | None:
    """The token the request carries (``Authorization: Bearer …``), or None."""
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    secret = secret.strip()
    return secret if 0 < len(secret) <= 200 else None


def per_token() -> str:
    """Rate limits count per token (a hash of it: no query before the limit), else per address."""
    secret = bearer_secret()
    return f"api-token:{secret_hash(secret)}" if secret else f"address:{get_remote_address()}"


def _authenticate() -> None:
    """Before every API view: the token's owner becomes the request's user, or nobody (never the session's)."""
    from app.extensions import login_manager

    g._login_user = login_manager.anonymous_user()
    g.api_token = None
    secret = bearer_secret()
    token = find_token(secret) if secret else None
    if token is not None and token.is_usable():
        g.api_token = token
        g._login_user = token.user


def current_token() -> ApiToken:
    return g.api_token


# -- endpoints ----------------------------------------------------------------------------------------------------
def _rate_limit() -> str:
    return current_app.config.get("API_RATE_LIMIT", "120 per minute")


def _private(response):
    """Answers depend on the token and the language: shared caches keep none, clients revalidate with the ETag."""
    response.vary.update(("Authorization", "Accept-Language"))
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def api_blueprint(name: str, url_prefix: str, description: str) -> Blueprint:
    """An area of the API: token authentication first, problem details for every error, no CSRF (no cookie is
    read), rate limited per token."""
    blp = Blueprint(name, __name__, url_prefix=f"{PREFIX}{url_prefix}", description=description)
    blp.before_request(_authenticate)
    blp.after_request(_private)
    blp.register_error_handler(HTTPException, _handle_http_error)
    csrf.exempt(blp)
    limiter.shared_limit(_rate_limit, scope="api", key_func=per_token)(blp)
    return blp


def endpoint(scope: TokenScope | None) -> Callable[[F], F]:
    """The view needs a valid token holding ``scope`` (401 without a token, 403 without the scope; None: any
    valid token). A rule of
    the domain that refuses (``DomainError``) becomes a 409 or 422 problem and nothing is saved. The view runs
    in the requester's language."""

    def decorator(view: F) -> F:
        @wraps(view)
        def run(*args: Any, **kwargs: Any) -> Any:
            token = g.get("api_token")
            if token is None:
                fail(401)
            if scope is not None and scope not in token.scope_set:
                with force_locale(api_language()):
                    fail(403, str(_l("This token does not have the “%(scope)s” scope.", scope=scope.value)))
            with force_locale(api_language()):
                try:
                    return view(*args, **kwargs)
                except DomainError as error:
                    message = refused(error)
                    if error.field:
                        fail(422, message, errors={error.field: [message]})
                    fail(409, message)

        run._api_scope = scope  # type: ignore[attr-defined]
        # In the description too (what a client needs, and what the tests check every answer against).
        return Blueprint.doc(**{"x-mcc-scope": scope.value if scope else "any"})(run)  # type: ignore[return-value]

    return decorator


def load_or_problem(model: type, ident: int, policy: Callable[[Any, Any], bool] | None = None) -> Any:
    """A row the requester may see: 404 when missing, 403 when its domain's policy refuses."""
    from flask_login import current_user

    row = db.session.get(model, ident)
    if row is None:
        fail(404)
    if policy is not None and not policy(current_user, row):
        fail(403)
    return row


def after_write(data: dict | None = None) -> None:
    """An API write: the token is marked used now and the audit trail names it (with what the service did)."""
    from app.core.audit import record_event
    from app.core.db import utcnow

    token = current_token()
    token.last_used_at = utcnow()
    record_event("api.write", actor=token.user, obj=token,
                 after={"endpoint": request.endpoint, "method": request.method, **(data or {})})


# -- paging -------------------------------------------------------------------------------------------------------
class PageArgs(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=100_000))
    per_page = ma.fields.Integer(load_default=20, validate=ma.validate.Range(min=1, max=MAX_PER_PAGE))


class PagingSchema(ma.Schema):
    page = ma.fields.Integer(required=True)
    per_page = ma.fields.Integer(required=True)
    total = ma.fields.Integer(required=True)
    pages = ma.fields.Integer(required=True)


def paged(query, args: dict, *, scalars: bool = True) -> dict:
    """One page of ``query``: ``{"items": [...], "paging": {...}}`` (items are rows or scalars)."""
    from sqlalchemy import func, select

    page, per_page = args["page"], args["per_page"]
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    limited = query.limit(per_page).offset((page - 1) * per_page)
    items = list(db.session.scalars(limited) if scalars else db.session.execute(limited))
    return {"items": items, "paging": {"page": page, "per_page": per_page, "total": total,
                                       "pages": max(1, -(-total // per_page))}}


def page_of(schema: type[ma.Schema]) -> type[ma.Schema]:
    """The envelope of a paged list of ``schema``."""
    return ma.Schema.from_dict({"items": ma.fields.List(ma.fields.Nested(schema), required=True),
                                "paging": ma.fields.Nested(PagingSchema, required=True)},
                               name=f"{schema.__name__.removesuffix('Schema')}PageSchema")


# -- addresses under /api/v1 that name no operation -------------------------------------------------------------------
fallback = FlaskBlueprint("api_fallback", __name__)
csrf.exempt(fallback)


@fallback.route(f"{PREFIX}/<path:rest>", methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
def no_operation(rest: str):
    """A problem too (not the pages' error): 405 with Allow when the address exists for other methods, else 404."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = []
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        try:
            endpoint_name, _args = adapter.match(request.path, method=method)
        except HTTPException:
            continue
        if endpoint_name != "api_fallback.no_operation":
            allowed.append(method)
    if allowed:
        return problem(405, headers={"Allow": ", ".join(allowed)})
    return problem(404)


def routing_error(error: HTTPException):
    """404 and 405 the router itself answers (an id beyond what a column holds matches no rule, not even the
    fallback): problem details under /api/v1, the pages' own error everywhere else (what ``core.errors`` answers)."""
    from app.core.errors import render_error

    if request.path.startswith(f"{PREFIX}/"):
        return _handle_http_error(error)
    return render_error(error.code or 404)
