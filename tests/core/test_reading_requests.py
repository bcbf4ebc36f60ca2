"""What a request pays the database before its own work (issue 22), on an app whose session uses the real engine
(the other tests bind theirs to one connection in a rolled-back transaction):

- on PostgreSQL a reading request runs its queries without a transaction (no BEGIN, no ROLLBACK:
  ``core.db.RequestSession``); a writing request keeps one transaction from its first statement;
- a reading request that writes after all (a flush, an UPDATE) begins a transaction just before, and what it
  wrote is rolled back with the request, on both databases, as before;
- the pooled connection goes back to transactions for whoever takes it next (a worker, a writing request);
- a connection used a moment ago is handed out without a ping; one idle for longer is pinged, and a dead one is
  replaced before a request sees it;
- independent reads run side by side on their own connections (``core.db.side_by_side``) in a reading request,
  and in turn on the request's own connection where another would not see what it sees;
- a ``DriverQuery`` in a reading request that has not used the session reads on the connection the main thread
  keeps (no transaction on PostgreSQL; pinged when it sat idle, replaced when lost), on another thread on a pooled
  connection for that read; otherwise on the session's.
"""

from __future__ import annotations

import threading

import pytest
from flask import jsonify, request
from sqlalchemy import create_engine, event, func, select, text, update

from app.core import db as core_db
from app.core.models import SiteSetting
from app.core.uow import unit_of_work, writes
from app.extensions import db
from tests.conftest import make_test_app
from tests.dbutil import TEST_DATABASE_URL, fresh_database, upgrade_to_head


def _xids() -> list[int]:
    """Two statements' transaction ids: equal inside one transaction, different without one."""
    return [db.session.scalar(select(func.txid_current())) for _ in range(2)]


def _two_statements():
    if db.engine.dialect.name != "postgresql":
        return jsonify(same_transaction=None)
    first, second = _xids()
    return jsonify(same_transaction=first == second)


def _flush_a_row():
    db.session.add(SiteSetting(key="written-by-a-read", value='"x"'))
    db.session.flush()
    # The request sees its own change (one transaction from the write on) ...
    seen = db.session.scalar(select(func.count()).select_from(SiteSetting)
                             .where(SiteSetting.key == "written-by-a-read"))
    db.session.execute(update(SiteSetting).where(SiteSetting.key == "kept").values(value='"changed"'))
    return jsonify(seen=seen)


def _connection_of_this_part(meet: threading.Barrier | None = None) -> str:
    if db.engine.dialect.name == "postgresql":
        connection = str(db.session.scalar(select(func.pg_backend_pid())))
    else:
        connection = str(id(db.session.connection().connection.dbapi_connection))
    if meet is not None:
        # Both parts at once, each still holding the connection it used (in turn: BrokenBarrierError); waiting
        # before the query instead let one part's connection go back to the pool and serve the other.
        meet.wait(timeout=10)
    return connection


def _side_by_side():
    from app.core.db import side_by_side

    meet = threading.Barrier(2) if request.method == "GET" else None
    first, second, count, xids = side_by_side(
        lambda: _connection_of_this_part(meet), lambda: _connection_of_this_part(meet),
        lambda: db.session.scalar(select(func.count()).select_from(SiteSetting)),
        lambda: _xids() if db.engine.dialect.name == "postgresql" else None)
    if request.args.get("fail"):
        side_by_side(lambda: 1, lambda: 1 / 0)
    # A part's own parts run in turn, in that part's thread (no pool thread waits for the pool).
    threads = side_by_side(lambda: None, lambda: side_by_side(lambda: threading.current_thread().name,
                                                              lambda: threading.current_thread().name))[1]
    assert threads[0] == threads[1]
    return jsonify(apart=first != second, same_as_request=first == _connection_of_this_part(), count=count,
                   same_transaction=xids[0] == xids[1] if xids else None)


_SETTINGS: dict = {}


def _driver_query():
    """``DriverQuery.first`` on a connection of its own in a reading request that has not used the database yet;
    on the session's connection when writing or once the session holds one."""
    from sqlalchemy import bindparam

    from app.core.db import DriverQuery

    dialect = db.engine.dialect.name
    if dialect not in _SETTINGS:  # (a transaction's id on PostgreSQL; SQLite has none)
        _SETTINGS[dialect] = DriverQuery(select(
            SiteSetting.value, func.txid_current().label("xid") if dialect == "postgresql"
            else SiteSetting.key.label("xid")).where(SiteSetting.key == bindparam("key")))
    query = _SETTINGS[dialect]
    first = query.first({"key": "kept"})
    apart = not db.session().in_transaction()
    again = query.first({"key": "kept"})
    if request.args.get("after-session"):
        db.session.scalar(select(func.count()).select_from(SiteSetting))
        later = query.first({"key": "kept"})
        return jsonify(value=first.value, apart=apart, session_used=db.session().in_transaction(),
                       same_transaction=later.xid == query.first({"key": "kept"}).xid)
    return jsonify(value=first.value, apart=apart, same_transaction=first.xid == again.xid)


_BACKEND: list = []


def _driver_backend():
    """Which server process answered a ``DriverQuery`` (PostgreSQL)."""
    from app.core.db import DriverQuery

    if not _BACKEND:
        _BACKEND.append(DriverQuery(select(func.pg_backend_pid().label("pid"))))
    return jsonify(pid=_BACKEND[0].first({}).pid)


@pytest.fixture
def real_app(backend, tmp_path):
    with fresh_database(backend, tmp_path) as url:
        application = make_test_app(url, tmp_path / "media")
        upgrade_to_head(application)
        for rule, view, methods in (("/t/read", _two_statements, ["GET"]),
                                    ("/t/write", _two_statements, ["POST"]),
                                    ("/t/marked", writes(lambda: _two_statements()), ["GET"]),
                                    ("/t/read-that-writes", _flush_a_row, ["GET"]),
                                    ("/t/side-by-side", _side_by_side, ["GET"]),
                                    ("/t/side-by-side-writing", _side_by_side, ["POST"]),
                                    ("/t/driver", _driver_query, ["GET"]),
                                    ("/t/driver-writing", _driver_query, ["POST"]),
                                    ("/t/driver-backend", _driver_backend, ["GET"])):
            application.add_url_rule(rule, rule, unit_of_work(view), methods=methods)
        application.config["WTF_CSRF_ENABLED"] = False
        with application.app_context():
            db.session.add(SiteSetting(key="kept", value='"original"'))
            db.session.commit()
        yield application
        core_db.release_reading_connection()
        with application.app_context():
            db.session.remove()
            db.engine.dispose()


def test_reading_requests_run_without_a_transaction_and_writing_ones_in_one(real_app, backend):
    client = real_app.test_client()
    expected_for_reads = None if backend == "sqlite" else False
    assert client.get("/t/read").json == {"same_transaction": expected_for_reads}
    assert client.post("/t/write").json == {"same_transaction": None if backend == "sqlite" else True}
    # A GET view marked @writes (the lesson page's visit) keeps its transaction too.
    assert client.get("/t/marked").json == {"same_transaction": None if backend == "sqlite" else True}
    if backend == "postgresql":
        # The connection the reading request used is back to transactions for the next one who takes it.
        with real_app.app_context():
            first, second = _xids()
            assert first == second
            db.session.rollback()


def test_a_reading_request_that_writes_saves_nothing(real_app):
    client = real_app.test_client()
    assert client.get("/t/read-that-writes").json == {"seen": 1}
    with real_app.app_context():
        assert db.session.get(SiteSetting, "written-by-a-read") is None
        assert db.session.get(SiteSetting, "kept").value == '"original"'
    # The pooled connection is clean: the next reading request is not left inside the rolled-back transaction.
    assert client.get("/t/read-that-writes").json == {"seen": 1}


def test_only_an_idle_connection_is_pinged_and_a_dead_one_is_replaced(real_app, backend, monkeypatch):
    with real_app.app_context():
        engine = db.engine
    pings = []
    original = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda connection: pings.append(1) or original(connection))
    client = real_app.test_client()
    monkeypatch.setattr(core_db, "PING_AFTER_IDLE_SECONDS", 60.0)
    assert client.get("/t/read").status_code == 200
    assert client.get("/t/read").status_code == 200
    assert pings == []  # used a moment ago: handed out as it is (SQLite: a file, never pinged)
    if backend == "sqlite":
        return

    # Every connection of the pool is cut by the server, then a request comes after the idle time.
    _terminate_other_backends(engine)
    monkeypatch.setattr(core_db, "PING_AFTER_IDLE_SECONDS", 0.0)
    assert client.get("/t/read").status_code == 200
    assert pings  # it was pinged, found dead and replaced: the request never saw it


def test_independent_reads_run_side_by_side_on_their_own_connections_only_where_they_see_the_same(real_app,
                                                                                                  backend):
    client = real_app.test_client()
    # A reading request: the parts at the same time, each on its own connection (the first on the request's),
    # results in order.
    # A part apart reads as the request does: on PostgreSQL without a transaction.
    transaction = None if backend == "sqlite" else False
    assert client.get("/t/side-by-side").json == {"apart": True, "same_as_request": True, "count": 1,
                                                  "same_transaction": transaction}
    # A writing request: in turn on its own connection (another would not see what it wrote; the connection seen
    # by the parts is the request's).
    assert client.post("/t/side-by-side-writing").json == {"apart": False, "same_as_request": True, "count": 1,
                                                           "same_transaction": None if backend == "sqlite" else True}
    # A part's error reaches the request (after every part ended), which fails as for any other error.
    assert client.get("/t/side-by-side?fail=1").status_code == 500
    # The pool's connections all went back: nothing is left checked out by the threads.
    with real_app.app_context():
        assert db.engine.pool.checkedout() == 0


def test_a_session_bound_to_one_connection_reads_in_turn(app, db):
    """The tests' sessions (one connection in a rolled-back transaction) never hand a part to another
    connection, which would not see the test's rows."""
    from app.core.db import side_by_side

    db.session.add(SiteSetting(key="only-in-this-transaction", value='"x"'))
    db.session.flush()
    seen = side_by_side(*[lambda: db.session.get(SiteSetting, "only-in-this-transaction") is not None] * 2)
    assert seen == [True, True]


def test_a_driver_query_reads_apart_in_a_reading_request_and_in_the_session_otherwise(real_app, backend):
    client = real_app.test_client()
    postgresql = backend == "postgresql"
    left_open = []

    def status_after(_conn, cursor, statement, *_args):
        if postgresql and "site_settings" in statement:
            left_open.append(cursor.connection.info.transaction_status.name)

    with real_app.app_context():
        engine = db.engine
    event.listen(engine, "after_cursor_execute", status_after)
    # A reading request: the connection the main thread keeps, without a transaction on PostgreSQL (each statement its
    # own), left with none open (the session never began).
    assert client.get("/t/driver").json == {"value": '"original"', "apart": True,
                                            "same_transaction": not postgresql}
    event.remove(engine, "after_cursor_execute", status_after)
    assert left_open == (["IDLE", "IDLE"] if postgresql else [])
    with real_app.app_context():
        assert db.engine.pool.checkedout() == 1  # kept for the next reading request
    # Writing: the request's own transaction holds it.
    assert client.post("/t/driver-writing").json == {"value": '"original"', "apart": False,
                                                     "same_transaction": True}
    # Once the session read, on the session's connection (PostgreSQL: still no transaction in a reading request).
    assert client.get("/t/driver?after-session=1").json["session_used"] is True
    with real_app.app_context():
        assert db.engine.pool.checkedout() == 1  # the session's went back; the kept one only is out
    returned_in_autocommit = []
    if postgresql:
        event.listen(engine.pool, "checkin", lambda dbapi_connection, _record: returned_in_autocommit.append(
            dbapi_connection.autocommit))
    core_db.release_reading_connection()
    with real_app.app_context():
        assert db.engine.pool.checkedout() == 0
        if postgresql:  # given back to transactions for whoever takes it next (a job, a writing request)
            first, second = _xids()
            assert first == second
            db.session.rollback()

    # A request on a thread of its own (the development server starts one per request): a pooled connection for
    # that read only, given back at once and, like the kept one, with transactions.
    answers = []
    worker = threading.Thread(target=lambda: answers.append(client.get("/t/driver").json))
    worker.start()
    worker.join()
    assert answers == [{"value": '"original"', "apart": True, "same_transaction": not postgresql}]
    with real_app.app_context():
        assert db.engine.pool.checkedout() == 0
    if postgresql:
        assert returned_in_autocommit and not any(returned_in_autocommit)


def _terminate_other_backends(engine) -> None:
    admin = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": engine.url.database})
    admin.dispose()


def test_the_kept_reading_connection_is_reused_pinged_after_idling_and_replaced_when_lost(real_app, backend,
                                                                                       monkeypatch):
    if backend == "sqlite":
        return  # a file: nothing to lose or ping (the connection is kept all the same: the test above)
    with real_app.app_context():
        engine = db.engine
    pings = []
    original = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda connection: pings.append(1) or original(connection))
    monkeypatch.setattr(core_db, "PING_AFTER_IDLE_SECONDS", 60.0)
    client = real_app.test_client()
    first = client.get("/t/driver-backend").json["pid"]
    assert client.get("/t/driver-backend").json["pid"] == first  # the same connection, not pinged
    assert pings == []

    # The server cuts it while it sits idle: the next read after the idle time pings it and takes another.
    _terminate_other_backends(engine)
    monkeypatch.setattr(core_db, "PING_AFTER_IDLE_SECONDS", 0.0)
    replaced = client.get("/t/driver-backend")
    assert replaced.status_code == 200 and replaced.json["pid"] != first
    assert pings  # (and the pool pings what it hands out after idling too)

    # Cut within the idle time (not pinged): that one request fails (the database's 503), the connection is let
    # go, and the next is served on another.
    monkeypatch.setattr(core_db, "PING_AFTER_IDLE_SECONDS", 60.0)
    _terminate_other_backends(engine)
    assert client.get("/t/driver-backend").status_code == 503
    again = client.get("/t/driver-backend")
    assert again.status_code == 200 and again.json["pid"] not in (first, replaced.json["pid"])
