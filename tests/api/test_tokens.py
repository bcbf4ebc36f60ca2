"""Tokens: hashed at rest, shown once, scopes and expiry enforced, revocation immediate, owners' rights kept."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.api import tokens
from app.api.models import ApiToken, TokenScope
from app.core.db import utcnow
from app.core.models import AuditEntry
from app.core.permissions import Role
from app.extensions import db
from tests.api.conftest import bearer, issue
from tests.factories import create_user
from tests.factories.catalogue import create_course, first_lesson
from tests.factories.enrolment import enrol


def test_secret_is_stored_only_as_its_hash(db):
    user = create_user()
    secret = issue(user, TokenScope.READ)
    row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert secret.startswith("mcc_") and len(secret) > 40
    assert row.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in (row.secret_hash, row.prefix, row.name) and row.prefix == secret[:12]
    for column in ApiToken.__table__.columns:  # the secret is in no column
        assert getattr(row, column.key) != secret


def test_no_token_wrong_token_and_session_cookie_get_401(client, login):
    user = create_user()
    for headers in ({}, bearer("mcc_not-a-token"), {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/me", headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.mimetype == "application/problem+json"
        assert response.json["status"] == 401 and response.json["type"] == "about:blank"
    login(user)  # a logged-in browser's cookie is not a token: no CSRF hole
    assert client.get("/api/v1/me").status_code == 401
    assert client.post("/api/v1/lessons/1/done").status_code == 401


def test_me_and_no_session_cookie_set(client):
    user = create_user(full_name="Ona Jonaitė")
    response = client.get("/api/v1/me", headers=bearer(issue(user, TokenScope.READ)))
    assert response.status_code == 200
    assert response.json["full_name"] == "Ona Jonaitė" and response.json["token"]["scopes"] == ["read"]
    assert "Set-Cookie" not in response.headers


def test_expired_token_stops_working(client):
    user = create_user()
    secret = issue(user, TokenScope.READ)
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_revoked_token_stops_at_once_and_revocation_is_audited(client, login):
    user = create_user()
    secret = issue(user, TokenScope.READ)
    row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    login(user)
    assert client.post_form(f"/profile/api-tokens/{row.id}/revoke").status_code == 303
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401
    actions = set(db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "api_tokens")))
    assert {"api.token_created", "api.token_revoked"} <= actions


def test_inactive_owner_locks_the_token(client):
    user = create_user()
    secret = issue(user, TokenScope.READ)
    user.is_active = False
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_someone_else_cannot_revoke_my_token(client, login):
    owner, other = create_user(), create_user()
    issue(owner, TokenScope.READ)
    row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == owner.id))
    login(other)
    assert client.post_form(f"/profile/api-tokens/{row.id}/revoke").status_code == 403
    db.session.refresh(row)
    assert row.revoked_at is None


def test_profile_page_creates_a_token_shown_once(client, login):
    user = create_user()
    login(user)
    page = client.get("/profile/api-tokens")
    assert page.status_code == 200
    response = client.post_form("/profile/api-tokens", {"name": "phone", "scopes": ["read", "learning"],
                                                        "expires_on": (utcnow() + timedelta(days=10)).date()
                                                        .isoformat()})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert row.scopes == ["learning", "read"]
    html = response.get_data(as_text=True)
    secret = html.split('id="token-secret">')[1].split("<")[0]
    assert hashlib.sha256(secret.encode()).hexdigest() == row.secret_hash
    assert secret not in client.get("/profile/api-tokens").get_data(as_text=True)  # shown once
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200


@pytest.mark.parametrize("form", [
    {"name": "", "scopes": ["read"]},
    {"name": "x", "scopes": []},
    {"name": "x", "scopes": ["read"], "expires_on": "2001-01-01"},
    {"name": "x", "scopes": ["read"], "expires_on": "2099-01-01"},
    {"name": "x", "scopes": ["root"]},
])
def test_bad_token_forms_are_refused_and_save_nothing(client, login, form):
    user = create_user()
    login(user)
    assert client.post_form("/profile/api-tokens", form).status_code == 422
    assert db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id)) is None


def test_scopes_are_enforced_per_endpoint(client):
    trainee = create_user()
    course = create_course()
    enrol(trainee, course)
    lesson = first_lesson(course)
    learning_only = issue(trainee, TokenScope.LEARNING)
    read_only = issue(trainee, TokenScope.READ)
    assert client.get(f"/api/v1/lessons/{lesson.id}", headers=bearer(learning_only)).status_code == 403
    assert client.get(f"/api/v1/lessons/{lesson.id}", headers=bearer(read_only)).status_code == 200
    refused = client.post(f"/api/v1/lessons/{lesson.id}/done", headers=bearer(read_only))
    assert refused.status_code == 403 and "learning" in refused.json["detail"]
    done = client.post(f"/api/v1/lessons/{lesson.id}/done", headers=bearer(learning_only))
    assert done.status_code == 200 and done.json["done"] is True
    for path in ("/api/v1/reporting/indicators", "/api/v1/reporting/people"):
        assert client.get(path, headers=bearer(read_only)).status_code == 403


def test_a_write_is_audited_with_the_token(client):
    trainee = create_user()
    course = create_course()
    enrol(trainee, course)
    lesson = first_lesson(course)
    secret = issue(trainee, TokenScope.LEARNING)
    assert client.post(f"/api/v1/lessons/{lesson.id}/done", headers=bearer(secret)).status_code == 200
    row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == trainee.id))
    db.session.refresh(row)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "api.write"))
    assert entry.object_id == str(row.id) and entry.actor_id == trainee.id
    assert entry.after["endpoint"] == "api_learning.lesson_done"
    assert row.last_used_at is not None


def test_trainee_token_cannot_read_another_trainees_data(client):
    a, b = create_user(), create_user()
    course = create_course()
    enrol(b, course)
    secret = issue(a)
    assert client.get(f"/api/v1/lessons/{first_lesson(course).id}", headers=bearer(secret)).status_code == 403
    assert client.post(f"/api/v1/lessons/{first_lesson(course).id}/done", headers=bearer(secret)).status_code == 403
    assert client.get("/api/v1/me/enrolments", headers=bearer(secret)).json["items"] == []
    for path in ("/api/v1/reporting/people", "/api/v1/reporting/breakdown?dimension=country"):
        assert client.get(path, headers=bearer(secret)).status_code == 403


def test_coordinators_read_only_token_cannot_write(client):
    coordinator = create_user(Role.COORDINATOR)
    course = create_course()
    secret = issue(coordinator, TokenScope.READ, TokenScope.REPORTING)
    assert client.get("/api/v1/reporting/indicators", headers=bearer(secret)).status_code == 200
    people = client.get("/api/v1/reporting/people", headers=bearer(secret))
    assert people.status_code == 200 and "paging" in people.json
    for path, body in ((f"/api/v1/lessons/{first_lesson(course).id}/done", None),
                       ("/api/v1/meetings/1/checkin", {"code": "123456"}),
                       ("/api/v1/placements/1/logbook", {"day": "2026-01-01", "hours": 4, "tasks": "welding"})):
        response = client.post(path, json=body, headers=bearer(secret))
        assert response.status_code == 403, path
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "api.write")) is None


def test_service_token_acts_as_a_service_user(client, login):
    admin = create_user(Role.ADMIN)
    login(admin)
    response = client.post_form("/admin/api-tokens", {
        "name": "funder export", "scopes": ["reporting"], "role": "coordinator",
        "expires_on": (utcnow() + timedelta(days=30)).date().isoformat()})
    assert response.status_code == 200
    secret = response.get_data(as_text=True).split('id="token-secret">')[1].split("<")[0]
    me = client.get("/api/v1/me", headers=bearer(secret)).json
    assert me["role"] == "coordinator" and me["full_name"] == "API: funder export" and me["token"]["service"]
    assert client.get("/api/v1/reporting/indicators", headers=bearer(secret)).status_code == 200
    service = db.session.get(ApiToken, me["token"]["id"]).user
    assert not service.can_log_in and not service.is_managed and service.email.endswith(".invalid")
    trainee = create_user()
    login(trainee)
    assert client.get("/admin/api-tokens").status_code == 403


def test_tokens_service_refuses_bad_requests(db):
    from app.core.errors import DomainError

    user = create_user()
    with pytest.raises(DomainError):
        tokens.create_service_token(user, Role.TRAINEE, tokens.TokenRequest(
            "x", frozenset({TokenScope.READ}), utcnow() + timedelta(days=1)))
