"""Registration under capacity holds under concurrent requests: twelve people press "Register" at the same moment
for ten places (each request its own connection and transaction, through the real unit-of-work seam) — exactly ten
confirmed, two waiting, nobody twice. On PostgreSQL the event's row lock serialises the counting; on SQLite the
write lock taken at the start of every writing request does."""

import hashlib
import secrets
import threading
from datetime import timedelta

from sqlalchemy import func, select

from app.accounts.models import UserSession
from app.core.db import utcnow
from app.core.permissions import Role
from app.events.models import EventRegistration, RegistrationStatus
from app.extensions import db
from tests.conftest import RequestIsolatingClient, make_test_app
from tests.dbutil import fresh_database, upgrade_to_head
from tests.events.helpers import create_event
from tests.factories import create_user


def _clients(app, user_ids):
    """A logged-in browser per person: a server-side login (``accounts.sessions``) named by the session cookie, as
    the login form leaves it (without hashing twelve passwords: the race is the point here)."""
    clients = []
    for user_id in user_ids:
        token = secrets.token_urlsafe(16)
        with app.app_context():
            db.session.add(UserSession(user_id=user_id, token_hash=hashlib.sha256(token.encode()).hexdigest(),
                                       remember=False, last_seen_at=utcnow()))
            db.session.commit()
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = f"{user_id}:{token}", True
        assert client.get("/events/").status_code == 200
        clients.append(client)
    return clients


def _race(clients, path):
    barrier = threading.Barrier(len(clients))
    statuses = []

    def press(client):
        token = client.csrf_token()
        barrier.wait()
        statuses.append(client.post(path, data={"csrf_token": token}).status_code)

    threads = [threading.Thread(target=press, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def test_twelve_people_at_once_for_ten_places(backend, tmp_path):
    with fresh_database(backend, tmp_path) as url:
        app = make_test_app(url, tmp_path / "media")
        app.test_client_class = RequestIsolatingClient
        upgrade_to_head(app)
        with app.app_context():
            event = create_event(create_user(Role.COORDINATOR), capacity=10, starts_at=utcnow() + timedelta(days=3))
            event_id = event.id
            people = [create_user() for _ in range(12)]
            ids = [p.id for p in people]
            db.session.remove()
        clients = _clients(app, ids)
        # The first person also presses twice at once (two tabs): still one registration.
        statuses = _race([*clients, clients[0]], f"/events/{event_id}/register")
        assert statuses == [303] * 13
        with app.app_context():
            rows = db.session.execute(select(EventRegistration.user_id, EventRegistration.status).where(
                EventRegistration.event_id == event_id)).all()
            assert sorted(user for user, _ in rows) == sorted(ids)  # everyone once
            counts = dict(db.session.execute(select(EventRegistration.status, func.count()).group_by(
                EventRegistration.status)).all())
            assert counts == {RegistrationStatus.CONFIRMED: 10, RegistrationStatus.WAITING: 2}
            db.session.remove()
            db.engine.dispose()
