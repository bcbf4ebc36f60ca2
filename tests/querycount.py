"""Count the SQL statements one request runs (for tests that queries do not grow with the data)."""

from __future__ import annotations

from sqlalchemy import event

from app.extensions import db

#: What the tests' isolation adds around each request (a savepoint per request), not the page's own work.
_ISOLATION = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def count_queries(client, path: str, method: str = "GET", data_only: bool = False, **kwargs) -> int:
    """The statements one request runs; ``data_only``: without the savepoints the tests' isolation adds (the
    number a page runs in production)."""
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        if not (data_only and statement.lstrip().upper().startswith(_ISOLATION)):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = client.open(path, method=method, **kwargs)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code < 400, f"{path}: {response.status_code}"
    return len(statements)


def assert_queries_do_not_grow(client, path: str, grow, times: int) -> None:
    """The page runs as many statements after ``grow(times)`` adds data as before (the first visit warms caches)."""
    count_queries(client, path)
    before = count_queries(client, path)
    grow(times)
    after = count_queries(client, path)
    assert after == before, f"{path}: {before} statements, then {after} with more data"
