"""The unit of work: one transaction per request, committed once, at the edge.

Indico's request handler loads, checks access, processes and commits once; this is the Flask version of it.
``install`` wraps every view of the app in ``unit_of_work``, so no route commits by hand:

- A view that returns normally commits once, if it may write: POST, PUT, PATCH and DELETE views, and GET views
  marked ``@writes`` (a lesson page recording the visit, an export recording who took it). Other GET views
  never commit: what they touch is rolled back when the request ends.
- A response with status 400 or more rolls back (a refused form answers 422 and changes nothing).
- Any exception rolls back and goes on to the error pages (a database that fails at commit gives the 503 page).
- A ``DomainError`` (a rule said no) is a refusal: inside ``with refusals(form)`` it becomes the form's error or a
  flash and the view carries on to answer 422 or redirect; escaping the view it becomes a JSON 422 (API) or a
  flash and a redirect back.
- ``keep()`` says, before a service runs, that what it does is committed even when it ends in a refusal: a
  failed login's audit entry, an upload discarded because its content was wrong, an expired quiz attempt closed.

Stored objects follow the transaction, in requests and CLI commands alike: ``delete_unless_committed(key)``
(called by ``app.core.files.store_upload`` and the upload protocol) removes the object when the transaction that
should point to it rolls back; ``after_commit(callback)`` runs work that may only happen once the rows are
committed (deleting a replaced object, telling people).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, TypeVar

from flask import (
    Flask,
    current_app,
    flash,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session as http_session,
)
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from app.core.db import SAFE_METHODS, declare_writing
from app.core.errors import DomainError, wants_json
from app.core.forms import apply_domain_error
from app.core.urls import safe_next_url
from app.extensions import db

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])
_INFO_KEY = "mcc.unit_of_work"


# -- what follows the transaction: stored objects and after-commit work ---------------------------------------------
@dataclass
class _Pending:
    #: (owning savepoint or None for the whole transaction, storage, key): deleted unless committed.
    stored: list[tuple[SessionTransaction | None, Any, str]] = field(default_factory=list)
    after_commit: list[Callable[[], None]] = field(default_factory=list)
    committed: bool = False


def _pending(session: Session) -> _Pending:
    return session.info.setdefault(_INFO_KEY, _Pending())


def delete_unless_committed(key: str, storage: Any = None) -> None:
    """``key`` was just stored for a row of the current transaction: if the transaction (or the savepoint it was
    stored in) does not commit, the object is deleted, so no object stays behind without its row."""
    from app.storage import get_storage

    session = db.session()
    _pending(session).stored.append((session.get_nested_transaction(), storage or get_storage(), key))


def after_commit(callback: Callable[[], None]) -> None:
    """Run ``callback`` once the current transaction has committed (never if it rolls back). Its errors are
    logged, not raised: the change is already saved."""
    _pending(db.session()).after_commit.append(callback)


def delete_after_commit(key: str, storage: Any = None) -> None:
    """An object the committed rows no longer point to (a replaced file): removed once the change is saved."""
    from app.storage import get_storage

    storage = storage or get_storage()
    after_commit(lambda: storage.delete(key))


def _delete_quietly(storage: Any, key: str) -> None:
    try:
        storage.delete(key)
    except Exception:  # a storage outage must not hide the database error that got us here
        log.exception("could not remove object %s after its transaction rolled back", key)


@event.listens_for(FlaskSession, "after_commit")
def _on_commit(session: Session) -> None:
    pending = session.info.get(_INFO_KEY)
    if pending is None:
        return
    savepoint = session.get_nested_transaction()
    if savepoint is None:
        pending.committed = True
        return
    # A released savepoint hands its objects to the enclosing one.
    parent = savepoint.parent if savepoint.parent is not None and savepoint.parent.nested else None
    pending.stored = [(parent if owner is savepoint else owner, storage, key)
                      for owner, storage, key in pending.stored]


@event.listens_for(FlaskSession, "after_soft_rollback")
def _on_rollback(session: Session, previous: SessionTransaction) -> None:
    pending = session.info.get(_INFO_KEY)
    if pending is None or not previous.nested:
        return
    for _owner, storage, key in [entry for entry in pending.stored if entry[0] is previous]:
        _delete_quietly(storage, key)
    pending.stored = [entry for entry in pending.stored if entry[0] is not previous]


@event.listens_for(FlaskSession, "after_transaction_end")
def _on_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None:
        return
    pending = session.info.pop(_INFO_KEY, None)
    if pending is None:
        return
    if not pending.committed:
        for _owner, storage, key in pending.stored:
            _delete_quietly(storage, key)
        return
    for callback in pending.after_commit:
        try:
            callback()
        except Exception:
            log.exception("after-commit work failed (the change itself is saved)")


# -- the request seam ---------------------------------------------------------------------------------------------
def writes(view: F) -> F:
    """Mark a GET view that records something (the lesson visit, who exported what): it commits when it succeeds."""
    view._mcc_writes = True  # type: ignore[attr-defined]
    return view


def keep() -> None:
    """Commit what the request did even if it ends refused (say so before calling the service)."""
    g.mcc_keep = True


def _refused() -> None:
    g.mcc_refused = True
    if g.get("mcc_keep"):
        db.session.flush()
    else:
        db.session.rollback()


@contextmanager
def refusals(form: Any = None) -> Iterator[None]:
    """A ``DomainError`` inside the block rolls the request back (unless ``keep()``) and becomes ``form``'s
    error (on the field it names) or a flash; the view goes on to render the form (422) or redirect."""
    try:
        yield
    except DomainError as error:
        _refused()
        if form is not None:
            apply_domain_error(form, error)
        else:
            flash(str(error.message), "error")


def refused(error: DomainError) -> str:
    """For a route that answers a refusal in its own format (a result page, a scanner's JSON): the request is
    rolled back (unless ``keep()``) and marked refused; returns the message to show."""
    _refused()
    return str(error.message)


def discard() -> None:
    """Roll back what the request wrote so far and save nothing more; the view goes on (a lesson page whose
    visit could not be recorded still shows the lesson)."""
    g.mcc_refused = True
    db.session.rollback()


def was_refused() -> bool:
    return bool(g.get("mcc_refused"))


def form_page(template: str, **context: Any):
    """Render a page with a form: 200 when it is first shown, 422 when a posted form comes back (invalid or
    refused), so the seam rolls back and clients and tests see that nothing was saved."""
    return render_template(template, **context), 200 if request.method in SAFE_METHODS else 422


def _refusal_response(error: DomainError):
    if wants_json() or request.is_json or request.path.startswith("/api/"):
        return jsonify(error=str(error.message)), 422
    flash(str(error.message), "error")
    return redirect(safe_next_url(request.referrer), 303)


def _finish(commit: bool) -> None:
    if commit:
        db.session.commit()
    else:
        db.session.rollback()


def unit_of_work(view: F) -> F:
    """Run ``view`` as one transaction (see the module's docstring)."""
    may_write = getattr(view, "_mcc_writes", False)

    @wraps(view)
    def run(*args: Any, **kwargs: Any) -> Any:
        writing = may_write or request.method not in SAFE_METHODS
        g.mcc_keep = g.mcc_refused = False
        try:
            try:
                response = make_response(view(*args, **kwargs))
            except DomainError as error:
                _refused()
                response = make_response(_refusal_response(error))
            if writing:
                kept = g.mcc_keep and (g.mcc_refused or response.status_code >= 400)
                _finish(kept or (response.status_code < 400 and not g.mcc_refused))
            elif not response.is_streamed:
                db.session.rollback()  # a reading view never writes (a streamed body still reads: teardown ends it)
            return response
        except BaseException:
            db.session.rollback()
            if writing:
                http_session.pop("_flashes", None)  # "saved" must not show on the next page when nothing was
            raise

    return run  # type: ignore[return-value]


def _declare_if_writing() -> None:
    """Before anything else in a request (rate-limit keys and the login already query): a request to a writing
    view takes SQLite's write lock with its first statement (``core.db.declare_writing``)."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    if request.method not in SAFE_METHODS or getattr(view, "_mcc_writes", False):
        declare_writing()


def install(app: Flask) -> None:
    """Put every view of ``app`` inside the unit of work (call once all blueprints are registered)."""
    app.before_request_funcs.setdefault(None, []).insert(0, _declare_if_writing)
    for endpoint, view in list(app.view_functions.items()):
        if endpoint != "static" and not getattr(view, "_mcc_unit_of_work", False):
            wrapped = unit_of_work(view)
            wrapped._mcc_unit_of_work = True  # type: ignore[attr-defined]
            app.view_functions[endpoint] = wrapped
