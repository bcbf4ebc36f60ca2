"""The embedded default under a class: gunicorn with four workers on SQLite, 32 people logging in and checking in
at the same moment — nobody gets "database is locked" (writing requests take SQLite's write lock up front)."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import requests

from app.core.permissions import Role
from app.training import checkin
from tests.conftest import make_test_app
from tests.dbutil import upgrade_to_head
from tests.s3server import _free_port

ROOT = Path(__file__).resolve().parents[2]


def test_32_logins_and_check_ins_at_once_on_four_workers_never_lock(tmp_path):
    """SQLite only (not parametrised by backend): it is about SQLite's single write lock."""
    database = f"sqlite:///{tmp_path / 'mcc.sqlite3'}"
    app = make_test_app(database, tmp_path / "media")
    upgrade_to_head(app)
    with app.app_context():
        from app.extensions import db
        from tests.factories import create_user
        from tests.factories.catalogue import create_course
        from tests.factories.enrolment import enrol
        from tests.factories.training import create_meeting

        course = create_course()
        people = [create_user(Role.TRAINEE) for _ in range(32)]
        for person in people:
            enrol(person, course)
        meeting = create_meeting(course)
        # What the room's screen shows: the code is read when each person types it (on a loaded machine the class
        # may take longer than a code's two windows to get through logging in).
        screen = SimpleNamespace(id=meeting.id, checkin_secret=meeting.checkin_secret)
        emails, meeting_id = [p.email for p in people], meeting.id
        db.session.remove()
        db.engine.dispose()
    port = _free_port()
    env = {"MCC_TEST_DATABASE": database, "MCC_TEST_MEDIA": str(tmp_path / "media"),
           "MCC_TEST_SET_QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}", "PATH": "/usr/bin:/bin"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "4", "--bind", f"127.0.0.1:{port}",
                               "tests.wsgi_for_tests:app"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:  # ready when it answers, not after a fixed sleep
            try:
                if requests.get(f"{base}/healthz/live", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)

        def attend(email: str) -> tuple[int, int]:
            session = requests.Session()
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', session.get(f"{base}/login").text).group(1)
            login = session.post(f"{base}/login", data={"email": email, "password": "correct horse battery",
                                                        "csrf_token": token}, allow_redirects=False, timeout=60)
            page = session.get(f"{base}/meetings/{meeting_id}/checkin", timeout=60).text
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
            check = session.post(f"{base}/meetings/{meeting_id}/checkin", data={"code": checkin.current_code(screen),
                                                                             "csrf_token": token},
                                 allow_redirects=False, timeout=60)
            return login.status_code, check.status_code

        with ThreadPoolExecutor(max_workers=32) as pool:
            answers = list(pool.map(attend, emails))
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert [a for a in answers if a != (303, 200)] == []
