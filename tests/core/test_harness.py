from sqlalchemy import func, select

from app.accounts.models import User
from app.core.permissions import Role
from tests.factories import create_user


def test_rows_from_one_test_are_gone_in_the_next_part_one(db):
    create_user(Role.ADMIN, email="isolation@example.com")
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_rows_from_one_test_are_gone_in_the_next_part_two(db):
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_request_sees_test_data_and_test_sees_request_changes(client, db, login):
    trainee = create_user(Role.TRAINEE)
    login(trainee)
    response = client.post_form("/language", {"language": "lt", "next": "/"})
    assert response.status_code == 303
    db.session.refresh(trainee)
    assert trainee.language == "lt"


def test_the_s3_fixture_waits_through_a_server_that_does_not_answer_yet_and_gives_up_cleanly():
    """A slow moto start (a socket that accepts but never answers) is "not yet", not a ReadTimeout that errors
    every S3 test; past the deadline the fixture fails with its own message."""
    import socket
    import subprocess
    import sys

    import pytest

    from tests.s3server import stop, wait_until_answering

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # accepts connections, never answers
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        with pytest.raises(RuntimeError, match="did not answer"):
            wait_until_answering(f"http://127.0.0.1:{silent.getsockname()[1]}", sleeper, seconds=3)
    finally:
        stop(sleeper)
        silent.close()
    assert sleeper.poll() is not None  # always stopped
