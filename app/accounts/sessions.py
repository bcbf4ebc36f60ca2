"""Logins as server-side rows (``UserSession``): what the cookies name, what logging out ends.

The session cookie and the remember-me cookie carry ``"<user id>:<secret>"``; the database keeps only the
secret's hash. Logging out revokes that login, "log out everywhere" and a password change revoke the others, so a
copied cookie (even a year-long remember-me one) stops working at once. A deactivated account cannot load at all.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import Any, ClassVar

from flask import g, has_request_context, request, session
from flask_login import current_user, login_user, logout_user
from sqlalchemy import Row, Select, bindparam, select, update
from sqlalchemy.orm import load_only

from app.accounts.models import User, UserSession
from app.core.db import DriverQuery, utcnow, will_write
from app.core.permissions import Role
from app.core.userfacts import fact_columns, remember_facts
from app.extensions import db

#: How often a login's "last seen" is refreshed (by writing requests only: reading pages never write).
SEEN_EVERY = timedelta(minutes=5)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def log_in(user: User, remember: bool = False) -> UserSession:
    """Record a new login for ``user`` and give this browser its cookies (committed with the request)."""
    token = secrets.token_urlsafe(32)
    row = UserSession(user_id=user.id, token_hash=_hash(token), remember=remember, last_seen_at=utcnow(),
                      ip_address=request.remote_addr if has_request_context() else None,
                      user_agent=(request.user_agent.string or "")[:200] if has_request_context() else None)
    db.session.add(row)
    db.session.flush()
    user.session_token = token
    login_user(user, remember=remember)
    g.mcc_user_session = row
    return row


def load(session_id: str) -> User | None:
    """The user a cookie names, if that login is still valid (one query: the user with the login and the facts
    every page's menu asks, ``app.core.userfacts``)."""
    login = _login_params(session_id)
    # The statement object is the same every time (its values are bound here, not by ``.params()``, which copies
    # it): SQLAlchemy finds its compiled form without walking the statement for a cache key.
    return _accept(db.session.execute(_login_statement(), login).first(), session_id) if login else None


def load_with(extend: Callable[[Select], Select], page: bool = False, **params: Any
              ) -> tuple[User | None, Row | None]:
    """For the hottest authorised routes (a material download, the course and lesson pages): the logged-in user
    and what the route decides on, in one query. ``extend`` (a module-level function: the statement it builds is
    kept per function) adds the route's columns (by label or entity, read from the returned row) and outer joins
    to a select whose FROM holds ``User`` (correlate to ``User.id`` where the person matters), naming its values
    as ``bindparam``s that ``params`` fill. The user becomes the request's ``current_user``. ``page``: the route
    renders a page (the whole person and the menu's facts come too; else only ``LEAN_USER``). Without a login in
    the session (a remember-me cookie, nobody) Flask-Login loads the user as usual and the route's columns come
    in a second query. Rows are made unique (the extension may eagerly join a collection)."""
    return _load_with(extend, page, params, every_row=False)


def load_rows_with(extend: Callable[[Select], Select], page: bool = False, **params: Any
                   ) -> tuple[User | None, list[Row]]:
    """``load_with`` for an extension that outer-joins several rows (a trainee's enrolments): all of them, each
    with the person (a single row with the route's columns empty when it found none)."""
    return _load_with(extend, page, params, every_row=True)


def _load_with(extend: Callable[[Select], Select], page: bool, params: dict, every_row: bool) -> tuple:
    session_id = session.get("_user_id")
    login = _login_params(session_id) if "_login_user" not in g and session_id else None
    if login is not None:
        result = db.session.execute(_extended(extend, "page" if page else "lean"), {**login, **params}).unique()
        found = result.all() if every_row else result.first()
        user = _accept((found[0] if found else None) if every_row else found, session_id, with_facts=page)
        if user is not None:
            g._login_user = user  # Flask-Login's current_user for the rest of the request ("basic" protection
            return user, found    # never refuses a session: skipping its check changes nothing)
    user = current_user._get_current_object()
    if not user.is_authenticated:
        return None, [] if every_row else None
    result = db.session.execute(_extended(extend, "id"), {"user_id": user.id, **params}).unique()
    return user, result.all() if every_row else result.first()


@cache
def _extended(extend: Callable[[Select], Select], base: str) -> Select:
    """``extend``'s statement on the login with the whole person and the facts (``page``), on the lean login
    (``lean``) or on a user already loaded (``id``)."""
    if base == "page":
        return extend(_login_statement())
    if base == "lean":
        return extend(_lean_login_statement())
    return extend(select(User.id).select_from(User).where(User.id == bindparam("user_id")))


@dataclass(frozen=True, slots=True)
class Caller:
    """The person behind a request answered by ``caller_with``: what the policies ask of a user (``has_role``,
    ``is_enrolled``), read as plain columns beside the route's own. Not an ORM object and not ``current_user``."""

    id: int
    role: Role
    data_saver: bool
    is_authenticated: ClassVar[bool] = True
    is_anonymous: ClassVar[bool] = False


def caller_with(extend: Callable[[Select], Select], **params: Any) -> tuple[Caller, Any] | None:
    """The lightest authorised read, for a route that answers no page and is asked in bulk (a material download
    by a class of trainees): the login, the ``Caller`` and the route's columns (``extend`` adds them by label, as
    for ``load_with``) in one Core statement run by the driver (``DriverQuery``; the row is a named tuple of the
    labels). No ORM object is made: on a download the ORM's loading of three entities cost two thirds of the
    statement, and SQLAlchemy's execution a third of what was left.

    None when the session names no login this finds (a remember-me cookie, nobody, an ended login, a person who
    may no longer log in): the route then takes the usual path, which answers those cases. ``current_user`` is
    left unloaded: whatever asks for it later (an error page) loads the person as usual."""
    session_id = session.get("_user_id")
    login = _login_params(session_id) if "_login_user" not in g and session_id else None
    if login is None:
        return None
    row = _caller_query(extend).first({**login, **params})
    if row is None or row.caller_id != login["user_id"] or not User.may_log_in(
            row.caller_is_active, row.caller_email, row.caller_password_hash):
        return None
    return Caller(row.caller_id, row.caller_role, row.caller_data_saver), row


@cache
def _caller_query(extend: Callable[[Select], Select]) -> DriverQuery:
    # Found by the login's secret alone, as ``_login_statement`` (whose note says why); the id is checked above.
    person = (User.id.label("caller_id"), User.role.label("caller_role"), User.data_saver.label("caller_data_saver"),
              User.is_active.label("caller_is_active"), User.email.label("caller_email"),
              User.password_hash.label("caller_password_hash"))
    return DriverQuery(extend(select(*person).select_from(User).join(UserSession, UserSession.user_id == User.id)
                              .where(UserSession.token_hash == bindparam("token_hash"),
                                     UserSession.revoked_at.is_(None))))


#: What of the person a route answered by ``load_with`` reads (the rest loads if ever asked): who they are, may
#: they log in, their role and what the policies and a download ask (the phone-sized video for data saver).
LEAN_USER = (User.id, User.email, User.password_hash, User.full_name, User.role, User.is_active, User.language,
             User.timezone, User.data_saver, User.unread_notifications)


@cache
def _lean_login_statement() -> Select:
    """The login for ``load_with``: the person without the columns no such route reads and without the menu's
    facts (the routes answer no page; ``user_fact`` asks if ever needed)."""
    return (select(User, UserSession).join(UserSession, UserSession.user_id == User.id)
            .where(UserSession.token_hash == bindparam("token_hash"), UserSession.revoked_at.is_(None))
            .options(load_only(*LEAN_USER), load_only(UserSession.id, UserSession.user_id,
                                                      UserSession.last_seen_at, UserSession.revoked_at)))


def _login_params(session_id: str | None) -> dict | None:
    user_id, _, token = (session_id or "").partition(":")
    if not (user_id.isascii() and user_id.isdigit()) or not token or int(user_id) > 2**31 - 1:
        return None
    return {"user_id": int(user_id), "token_hash": _hash(token)}


@cache
def _login_statement() -> Select:
    """The user with the login and the menu's facts, built once (every logged-in request runs it: building the
    statement with its subqueries cost more than running it).

    The login is found by its secret's hash alone (unique): with the user's id in the condition too, PostgreSQL
    could pick the index on the user's logins and read every login a person ever had (kept when they end) on
    every request. ``_accept`` checks that the login is the one of the user the cookie names."""
    return (select(User, UserSession, *fact_columns(User.id)).join(UserSession, UserSession.user_id == User.id)
            .where(UserSession.token_hash == bindparam("token_hash"), UserSession.revoked_at.is_(None)))


def _accept(found: Row | None, session_id: str, with_facts: bool = True) -> User | None:
    if found is None:
        return None
    user, row = found[0], found[1]
    if user.id != int(session_id.partition(":")[0]):
        return None  # another person's login: the cookie was not made by us
    if with_facts:
        remember_facts(user, found)
    if not user.can_log_in:
        return None
    user.session_token = session_id.partition(":")[2]
    g.mcc_user_session = row
    now = utcnow()
    # Only a request that writes anyway refreshes it: on a reading request the change would be flushed by the
    # next query (an UPDATE rolled back at the end, taking the row's lock — every tab of this login would queue
    # on it — and on SQLite a reading transaction refused the write lock: "database is locked").
    if will_write() and (row.last_seen_at is None or now - row.last_seen_at > SEEN_EVERY):
        row.last_seen_at = now
    return user


def current() -> UserSession | None:
    return g.get("mcc_user_session")


def log_out() -> None:
    """End this browser's login on the server, then forget the cookies."""
    row = current()
    if row is not None:
        row.revoked_at = utcnow()
    logout_user()


def revoke_all(user: User, keep: UserSession | None = None) -> int:
    """End every login of ``user`` but ``keep`` (a password change keeps the browser that made it; a reset by
    e-mail or a deactivation keeps none)."""
    query = update(UserSession).where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
    if keep is not None:
        query = query.where(UserSession.id != keep.id)
    return db.session.execute(query.values(revoked_at=utcnow())).rowcount or 0


def revoke(user: User, session_id: int) -> bool:
    """End one login of ``user`` (from the profile's list); False when it is not theirs or already ended."""
    return bool(db.session.execute(update(UserSession).where(
        UserSession.id == session_id, UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())).rowcount)


def active(user: User) -> list[UserSession]:
    """The logins still valid, newest first."""
    return list(db.session.scalars(select(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .order_by(UserSession.last_seen_at.desc().nulls_last(), UserSession.id.desc())))
