"""A file much larger than the app's memory budget goes through the app in parts; its memory stays flat."""

import re
import socket
import subprocess
import sys
import threading
import time

import psutil
import requests
from sqlalchemy import select

from app.catalogue.models import Material, MaterialStatus
from app.core.permissions import Role
from app.extensions import db
from tests.catalogue.samples import MP4
from tests.conftest import make_test_app
from tests.dbutil import fresh_database, upgrade_to_head
from tests.factories import create_user
from tests.factories.catalogue import create_course, first_lesson
from tests.workoff import work_off

FILE_SIZE = 400 * 1024 * 1024
MEMORY_BUDGET = 80 * 1024 * 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_400_mib_upload_keeps_the_app_process_flat(backend, tmp_path):
    with fresh_database(backend, tmp_path) as url:
        app = make_test_app(url, tmp_path / "media")
        upgrade_to_head(app)
        with app.app_context():
            trainer = create_user(Role.TRAINER, email="big@example.com")
            lesson_id = first_lesson(create_course(trainers=[trainer])).id
            db.engine.dispose()
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "tests.serve_app", url, str(tmp_path / "media"), str(port)])
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    requests.get(base + "/healthz/live", timeout=1)
                    break
                except requests.ConnectionError:
                    time.sleep(0.1)
            http = requests.Session()
            token = re.search(r'name="csrf-token" content="([^"]+)"', http.get(base + "/login").text).group(1)
            http.post(base + "/login", data={"csrf_token": token, "email": "big@example.com",
                                             "password": "correct horse battery"})
            headers = {"X-CSRFToken": token}
            started = http.post(f"{base}/api/lessons/{lesson_id}/uploads", headers=headers,
                                json={"filename": "welding-demo.mp4", "size": FILE_SIZE}).json()
            process = psutil.Process(server.pid)
            baseline = peak = process.memory_info().rss
            sampling = True

            def sample():
                nonlocal peak
                while sampling:
                    peak = max(peak, process.memory_info().rss)
                    time.sleep(0.02)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            parts, sent, number = [], 0, 1
            while sent < FILE_SIZE:
                size = min(started["part_size"], FILE_SIZE - sent)
                chunk = (MP4 if number == 1 else b"") + bytes(size - (len(MP4) if number == 1 else 0))
                target = http.post(base + started["target_url"].replace("__PART__", str(number)), json={},
                                   headers=headers).json()
                etag = http.put(base + target["url"], data=chunk, headers=headers).json()["etag"]
                parts.append({"number": number, "etag": etag})
                sent += size
                number += 1
            completed = http.post(base + started["complete_url"], json={"parts": parts}, headers=headers)
            sampling = False
            sampler.join()
            assert completed.status_code == 202, completed.text
            print(f"app RSS grew by {(peak - baseline) / 2**20:.1f} MiB for a {FILE_SIZE / 2**20:.0f} MiB upload")
            assert peak - baseline < MEMORY_BUDGET, f"app RSS grew by {(peak - baseline) / 2**20:.0f} MiB"
        finally:
            server.terminate()
            server.wait(timeout=10)
        with app.app_context():
            # The app process never read the file back: joining and hashing it is a worker's job.
            assert work_off("catalogue.verify_upload", "catalogue.process_video") == ["done", "done"]
            material = db.session.scalar(select(Material))
            assert material.status == MaterialStatus.READY and material.size == FILE_SIZE
            db.session.remove()
            db.engine.dispose()
