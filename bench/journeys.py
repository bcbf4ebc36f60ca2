"""What `make bench` measures: the journeys people make every day, plus an export and a large upload.

``journeys`` yields the HTTP journeys driven by wrk (each compared with the liveness ceiling of the same run);
``extra_measurements`` yields (name, callable) pairs measured once each: the full XLSX export of all trainees
(time and the serving process's peak memory) and a 2 GB upload streamed to local storage (RSS growth).
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from urllib.parse import urlencode

import psutil
import requests

from bench.run import ROOT, Journey, free_port, start_gunicorn

UPLOAD_BYTES = 2 * 1024**3


def journeys(dataset: dict, base: str, cookies: dict, csrf_for) -> Iterator[Journey]:
    course, lesson = dataset["course_id"], dataset["lesson_id"]
    yield Journey("public_catalogue", None, "/courses/")
    yield Journey("course_page", "trainee", f"/courses/{course}")
    yield Journey("lesson_page", "trainee", f"/courses/{course}/lessons/{lesson}")
    yield Journey("trainee_dashboard", "trainee", "/learning/")
    yield Journey("trainer_roster_30", "trainer", f"/meetings/{dataset['roster_meeting_id']}/roster")
    yield Journey("coordinator_dashboard", "coordinator", "/reports/")
    yield Journey("coordinator_at_risk", "coordinator", "/reports/at-risk")
    yield Journey("material_download", "trainee", f"/materials/{dataset['material_id']}/file")
    # Logging in: an anonymous session's cookie and its CSRF token, then the real password check (Argon2).
    anonymous = requests.Session()
    page = anonymous.get(f"{base}/login", timeout=10).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    account = dataset["accounts"]["trainee"]
    yield Journey("login", None, "/login", method="POST",
                  body=urlencode({"csrf_token": token, "email": account["email"], "password": account["password"]}),
                  extra_headers={"Cookie": "; ".join(f"{c.name}={c.value}" for c in anonymous.cookies)})


def _peak_rss_while(pids: Callable[[], set[int]], action: Callable[[], None]) -> tuple[float, float, float]:
    """Run ``action``; return (seconds, baseline RSS MB, peak RSS MB) of the largest of the given processes."""

    def rss() -> float:
        sizes = []
        for pid in pids():
            with contextlib.suppress(psutil.Error):  # a worker may just have been replaced
                sizes.append(psutil.Process(pid).memory_info().rss)
        return max(sizes or [0]) / 2**20

    baseline = peak = rss()
    running = True

    def sample():
        nonlocal peak
        while running:
            peak = max(peak, rss())
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    try:
        action()
    finally:
        seconds = time.perf_counter() - started
        running = False
        sampler.join()
    return seconds, baseline, peak


def _workers(server: subprocess.Popen) -> Callable[[], set[int]]:
    return lambda: {child.pid for child in psutil.Process(server.pid).children(recursive=True)}


def measure_export(base: str, cookie: str, server: subprocess.Popen) -> dict:
    """The full XLSX of every trainee (the drill-down list of all enrolled people, no filter)."""
    size = 0

    def download():
        nonlocal size
        with requests.get(f"{base}/reports/export/people.xlsx?figure=enrolled", headers={"Cookie": cookie},
                          stream=True, timeout=600) as response:
            response.raise_for_status()
            for chunk in response.iter_content(1 << 16):
                size += len(chunk)

    seconds, baseline, peak = _peak_rss_while(_workers(server), download)
    return {"seconds": round(seconds, 2), "peak_mb": round(peak, 1), "baseline_mb": round(baseline, 1),
            "bytes": size}


def measure_upload(env: dict, dataset: dict) -> dict:
    """2 GB through the app into local storage, in the uploader's parts; the app's RSS must stay flat."""
    local_env = {**env, "MCC_STORAGE_BACKEND": "local", "MCC_MEDIA_ROOT": str(ROOT / "instance" / "bench-upload")}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(local_env, port, 1)
    try:
        http = requests.Session()
        page = http.get(f"{base}/login", timeout=10).text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        account = dataset["accounts"]["trainer"]
        login = http.post(f"{base}/login", data={"csrf_token": token, **account}, timeout=30, allow_redirects=False)
        if login.status_code != 303:
            raise RuntimeError(f"the trainer could not log in: {login.status_code}")
        token = re.search(r'name="csrf-token" content="([^"]+)"', http.get(f"{base}/", timeout=10).text).group(1)
        headers = {"X-CSRFToken": token}
        started = http.post(f"{base}/api/lessons/{dataset['trainer_lesson_id']}/uploads", headers=headers, json={
            "filename": "welding-full-shift.mp4", "size": UPLOAD_BYTES, "title": "Bench upload",
            "title_language": "en"}, timeout=30)
        started.raise_for_status()
        started = started.json()
        mp4_head = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41"
        zeros = bytes(started["part_size"])

        def send():
            parts, sent, number = [], 0, 1
            while sent < UPLOAD_BYTES:
                size = min(started["part_size"], UPLOAD_BYTES - sent)
                chunk = (mp4_head + zeros[len(mp4_head):size]) if number == 1 else zeros[:size]
                target = http.post(base + started["target_url"].replace("__PART__", str(number)), json={},
                                   headers=headers, timeout=30).json()
                etag = http.put(base + target["url"], data=chunk, headers=headers, timeout=300).json()["etag"]
                parts.append({"number": number, "etag": etag})
                sent += size
                number += 1
            done = http.post(base + started["complete_url"], json={"parts": parts}, headers=headers, timeout=600)
            if done.status_code != 201:
                raise RuntimeError(f"upload not completed: {done.status_code} {done.text[:200]}")

        seconds, baseline, peak = _peak_rss_while(_workers(server), send)
    finally:
        server.terminate()
        server.wait(timeout=30)
        for path in sorted((ROOT / "instance" / "bench-upload").rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
    return {"seconds": round(seconds, 1), "baseline_mb": round(baseline, 1), "peak_mb": round(peak, 1),
            "rss_growth_mb": round(peak - baseline, 1), "bytes": UPLOAD_BYTES}


def extra_measurements(dataset: dict, env: dict, base: str, cookies: dict,
                       server: subprocess.Popen) -> Iterator[tuple[str, Callable[[], dict]]]:
    yield "export_all_trainees_xlsx", lambda: measure_export(base, cookies["coordinator"], server)
    yield "upload_2gb_local", lambda: measure_upload(env, dataset)

