"""The unit-of-work seam (app/core/uow.py): one commit per writing request, refusals that change nothing, explicit
keeps, and stored objects that follow their transaction.

Each view runs as a real request would (a request context inside the test's app context) through
``unit_of_work``; whether a change was committed is seen by rolling the session back afterwards: a committed
change survives it, a flushed-but-uncommitted one does not.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from flask import flash, get_flashed_messages
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from wtforms import StringField

from app.core.errors import DomainError
from app.core.forms import Form
from app.core.models import SiteSetting
from app.core.uow import (
    after_commit,
    delete_after_commit,
    delete_unless_committed,
    keep,
    refusals,
    unit_of_work,
    writes,
)
from app.extensions import db as _db
from app.storage import generate_key, get_storage

APP = Path(__file__).resolve().parents[2] / "app"


def add_setting(key: str = "probe") -> None:
    _db.session.add(SiteSetting(key=key, value='"x"'))
    _db.session.flush()


def committed(key: str = "probe") -> bool:
    _db.session.rollback()
    return _db.session.get(SiteSetting, key) is not None


def run(app, view, method: str = "POST", **kwargs):
    with app.test_request_context("/probe", method=method, **kwargs):
        response = unit_of_work(view)()
        return response, get_flashed_messages(with_categories=True)


class NameForm(Form):
    class Meta:
        csrf = False

    name = StringField()


def store_object() -> str:
    key = generate_key("probes")
    get_storage().save(key, io.BytesIO(b"probe"), "text/plain")
    delete_unless_committed(key)
    return key


def exists(key: str) -> bool:
    return get_storage().exists(key)


@pytest.fixture
def failing_commit(db):
    """The database refuses the commit (as when it goes away at that moment): a session event, not a patch."""

    def refuse(session):
        raise OperationalError("COMMIT", {}, Exception("server closed the connection unexpectedly"))

    event.listen(_db.session, "before_commit", refuse)
    yield
    event.remove(_db.session, "before_commit", refuse)


def test_a_writing_view_commits_once_when_it_succeeds(app, db):
    def view():
        add_setting()
        return "ok"

    response, _ = run(app, view)
    assert response.status_code == 200 and committed()


@pytest.mark.parametrize("status", [400, 403, 404, 422, 500])
def test_an_error_response_rolls_back(app, db, status):
    def view():
        add_setting()
        return "no", status

    response, _ = run(app, view)
    assert response.status_code == status and not committed()


def test_an_exception_rolls_back_and_reaches_the_error_handlers(app, db):
    def view():
        add_setting()
        flash("Saved.", "success")
        raise RuntimeError("boom")

    with app.test_request_context("/probe", method="POST"), pytest.raises(RuntimeError):
        unit_of_work(view)()
        assert get_flashed_messages() == []  # "saved" must not show on the next page
    assert not committed()


def test_a_get_view_never_commits_unless_it_declares_that_it_writes(app, db):
    def reads():
        add_setting("read")
        return "ok"

    @writes
    def records():
        add_setting("visit")
        return "ok"

    run(app, reads, method="GET")
    run(app, records, method="GET")
    assert not committed("read")
    assert committed("visit")


def test_a_refused_form_gets_the_message_on_its_field_and_nothing_is_saved(app, db):
    def view():
        form = NameForm(data={"name": "x"})
        with refusals(form):
            add_setting()
            raise DomainError("This name is taken.", field="name")
        return ",".join(map(str, form.name.errors)), 422

    response, flashes = run(app, view)
    assert response.status_code == 422 and response.get_data(as_text=True) == "This name is taken."
    assert flashes == [] and not committed()


def test_a_refused_action_is_flashed_and_not_saved_even_when_the_view_redirects(app, db):
    def view():
        with refusals():
            add_setting()
            raise DomainError("The meeting was cancelled.")
        return "", 303, {"Location": "/meeting"}

    response, flashes = run(app, view)
    assert response.status_code == 303
    assert flashes == [("error", "The meeting was cancelled.")] and not committed()


def test_keep_commits_what_a_refused_request_did(app, db):
    def view():
        keep()  # the failed attempt is evidence
        with refusals():
            add_setting("attempt")
            raise DomainError("Wrong e-mail or password.")
        return "refused", 422

    response, _ = run(app, view)
    assert response.status_code == 422 and committed("attempt")


def test_keep_does_not_commit_an_unexpected_error(app, db):
    def view():
        keep()
        add_setting()
        raise RuntimeError("boom")

    with app.test_request_context("/probe", method="POST"), pytest.raises(RuntimeError):
        unit_of_work(view)()
    assert not committed()


def test_an_escaping_refusal_answers_json_to_api_clients(app, db):
    def view():
        add_setting()
        raise DomainError("The upload was incomplete.")

    response, _ = run(app, view, headers={"Accept": "application/json"})
    assert response.status_code == 422 and response.get_json() == {"error": "The upload was incomplete."}
    assert not committed()


def test_an_escaping_refusal_is_flashed_and_redirected_back_for_pages(app, db):
    def view():
        raise DomainError("Not now.")

    response, flashes = run(app, view, headers={"Referer": "http://localhost/courses/"})
    assert response.status_code == 303 and response.headers["Location"] == "/courses/"
    assert flashes == [("error", "Not now.")]


def test_an_object_stored_for_a_row_is_deleted_when_the_commit_fails(app, db, failing_commit):
    stored = {}

    def view():
        stored["key"] = store_object()
        add_setting()
        return "ok"

    with app.test_request_context("/probe", method="POST"), pytest.raises(OperationalError):
        unit_of_work(view)()
    assert not exists(stored["key"]) and not committed()


def test_an_object_stored_for_a_committed_row_stays(app, db):
    stored = {}

    def view():
        stored["key"] = store_object()
        add_setting()
        return "ok"

    run(app, view)
    assert exists(stored["key"]) and committed()


def test_an_object_stored_inside_a_rolled_back_savepoint_is_deleted_at_once(app, db):
    with pytest.raises(DomainError), _db.session.begin_nested():
        key = store_object()
        raise DomainError("no")
    assert not exists(key)


def test_an_object_stored_inside_a_released_savepoint_follows_the_outer_transaction(app, db):
    with _db.session.begin_nested():
        key = store_object()
    assert exists(key)
    _db.session.rollback()
    assert not exists(key)


def test_after_commit_work_runs_only_when_the_commit_succeeds(app, db, failing_commit):
    done = []

    def view():
        after_commit(lambda: done.append("mail"))
        add_setting()
        return "ok"

    with app.test_request_context("/probe", method="POST"), pytest.raises(OperationalError):
        unit_of_work(view)()
    assert done == []


def test_after_commit_work_runs_once_after_the_commit(app, db):
    done = []
    key = generate_key("probes")
    get_storage().save(key, io.BytesIO(b"old"), "text/plain")

    def view():
        after_commit(lambda: done.append("mail"))
        delete_after_commit(key)  # a replaced file goes once the new row is saved
        add_setting()
        assert exists(key)
        return "ok"

    run(app, view)
    assert done == ["mail"] and not exists(key)


def test_a_failing_after_commit_callback_does_not_undo_the_saved_change(app, db):
    def view():
        after_commit(lambda: 1 / 0)
        add_setting()
        return "ok"

    response, _ = run(app, view)
    assert response.status_code == 200 and committed()


def test_every_view_of_the_app_runs_inside_the_unit_of_work(app):
    unwrapped = [endpoint for endpoint, view in app.view_functions.items()
                 if endpoint != "static" and not getattr(view, "_mcc_unit_of_work", False)]
    assert unwrapped == []


# Commits happen only in the seam, in CLI commands and the documented maintenance loop; nowhere in routes.
COMMIT = re.compile(r"\.commit\(\)")
ROLLBACK = re.compile(r"\.rollback\(\)")
ALLOWED_TO_COMMIT = {
    "core/uow.py",  # the seam
    "core/cli.py", "accounts/cli.py", "catalogue/cli.py", "storage/cli.py", "network/cli.py",  # CLI commands
    "reporting/cli.py",
    "benchdata.py",  # a CLI command (benchmark data)
    "catalogue/maintenance.py",  # `flask storage purge`: each material's purge is committed before its object goes
    # The workers' own unit of work: claim a message, do it and mark it done in one transaction, record failures.
    "jobs/outbox.py", "jobs/queue.py", "jobs/schedule.py", "jobs/cli.py",
    # Long jobs (building a download, verifying an upload, a scheduled backup) commit what they wrote before reading
    # for long (core.db.reading_only), so SQLite's write lock is not held meanwhile, and a download's build writes
    # its progress in transactions of its own; so does a video's conversion (the trainer's page polls it).
    "core/db.py", "downloads/services.py", "catalogue/processing.py",
}
#: The error handlers also roll back: an error raised outside a view (a before-request hook) has no seam around it.
ALLOWED_TO_ROLL_BACK = ALLOWED_TO_COMMIT | {"core/errors.py", "core/health.py"}


def places(pattern: re.Pattern) -> set[str]:
    return {str(path.relative_to(APP)) for path in APP.rglob("*.py") if pattern.search(path.read_text())}


def test_no_route_module_commits_or_rolls_back():
    offenders = [f"{path.relative_to(APP)}:{number}" for path in APP.rglob("*routes*.py")
                 for number, line in enumerate(path.read_text().splitlines(), 1)
                 if COMMIT.search(line) or ROLLBACK.search(line)]
    assert offenders == []


def test_commits_happen_only_in_the_seam_and_cli_commands():
    assert places(COMMIT) <= ALLOWED_TO_COMMIT, sorted(places(COMMIT) - ALLOWED_TO_COMMIT)
    assert places(ROLLBACK) <= ALLOWED_TO_ROLL_BACK, sorted(places(ROLLBACK) - ALLOWED_TO_ROLL_BACK)
