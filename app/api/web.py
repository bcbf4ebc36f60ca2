"""The API's pages: personal tokens (from the profile), admins' service tokens, the interactive documentation
and the OpenAPI description."""

from __future__ import annotations

from datetime import UTC, datetime, time

from flask import current_app, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.api import bp, tokens
from app.api.forms import SCOPE_LABELS, ServiceTokenForm, TokenForm
from app.api.models import ApiToken
from app.api.policies import can_issue_service_tokens, can_revoke_token
from app.core.forms import ConfirmForm
from app.core.permissions import Role, load_or_403, role_required
from app.core.uow import refusals


def _request_from(form: TokenForm) -> tokens.TokenRequest:
    # The token works through the whole chosen day (in UTC).
    expires = datetime.combine(form.expires_on.data, time.max, UTC)
    return tokens.TokenRequest(name=form.name.data or "", scopes=tokens.scopes_from(form.scopes.data or ()),
                               expires_at=expires)


@bp.route("/profile/api-tokens", methods=["GET", "POST"])
@login_required
def personal_tokens():
    """The person's tokens; a new one is shown once, on the page that created it."""
    form = TokenForm()
    created = None
    if form.validate_on_submit():
        with refusals(form):
            token, secret = tokens.create_personal_token(current_user, _request_from(form))
            created = (token, secret)
            form = TokenForm(formdata=None)
    return _tokens_page("api/tokens.html", form, created, tokens.tokens_of(current_user))


@bp.route("/admin/api-tokens", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def service_tokens():
    """Admins issue tokens for integrations, each acting as its own service user with a chosen role."""
    form = ServiceTokenForm()
    created = None
    if form.validate_on_submit():
        with refusals(form):
            token, secret = tokens.create_service_token(current_user, Role(form.role.data), _request_from(form))
            created = (token, secret)
            form = ServiceTokenForm(formdata=None)
    return _tokens_page("api/service_tokens.html", form, created, tokens.service_tokens())


def _tokens_page(template: str, form: TokenForm, created, rows: list[ApiToken]):
    page = render_template(template, form=form, created=created, tokens=rows, revoke_form=ConfirmForm(),
                           scope_labels=SCOPE_LABELS, can_issue=can_issue_service_tokens(current_user))
    # A created token's secret is in this page: it must not stay in any cache.
    status = 200 if created or not form.errors else 422
    return page, status, {"Cache-Control": "no-store"}


@bp.post("/profile/api-tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    token = load_or_403(ApiToken, token_id, can_revoke_token)
    if ConfirmForm().validate_on_submit():
        tokens.revoke_token(current_user, token)
        flash(_("The token “%(name)s” no longer works.", name=token.name), "success")
    target = "api.service_tokens" if token.is_service else "api.personal_tokens"
    return redirect(url_for(target), 303)


# Not under /api/: a page (the site's HTML error pages, and the accessibility sweep visits it).
@bp.get("/api-docs")
def docs():
    """The interactive documentation (Swagger UI, served from our own static files)."""
    return render_template("api/docs.html")


@bp.get("/api/v1/openapi.json")
def openapi():
    """The OpenAPI description, generated from the code."""
    return jsonify(current_app.extensions["mcc_api"].spec.to_dict())
