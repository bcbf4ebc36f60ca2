"""What `make bench` measures: the journeys people make every day, plus an export and two large uploads.

``journeys`` yields the HTTP journeys driven by wrk (each compared with the liveness ceiling of the same run);
``extra_measurements`` yields (name, callable) pairs measured once each, each with a job worker beside the web
server (``bench.run.job_worker``):

- ``export_all_trainees_xlsx``: the XLSX of every trainee, prepared by the worker. The request (a redirect to the
  progress page), the time until the status says ready, the download; peak RSS of the web workers and of the job
  worker.
- ``upload_2gb_local``: 2 GB in the uploader's parts through the app into local storage, completed (202), then
  joined and verified by the worker; the web workers' RSS must stay flat.
- ``upload_1gb_s3``: 1 GB with the parts PUT straight to the presigned URLs the app hands out (moto), completed
  (202), then joined (the worker asks the bucket) and verified by the worker; the completing request's time and
  the web workers' RSS during completion and verification (flat: the web process never touches the bytes). As
  controls, the
  bucket's own CompleteMultipartUpload of an equal upload sent with boto3 (``bucket_complete_seconds``) and
  the completion of a one-part upload through the app (``one_part_complete_seconds``).
- ``transcode_1080p`` and ``video_1gb_s3``: the video conversion's speed and the web workers' memory while a
  worker converts a 1 GB video (bench/video.py).
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from urllib.parse import urlencode, urljoin

import psutil
import requests

from bench.run import ROOT, Journey, free_port, job_worker, start_gunicorn, stop_group

UPLOAD_BYTES = 2 * 1024**3
S3_UPLOAD_BYTES = 1024**3
MP4_HEAD = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41"
#: How often the bench asks a status endpoint (the pages themselves poll every 1-5 s; the bench wants the moment).
POLL_SECONDS = 0.1


def journeys(dataset: dict, base: str, cookies: dict, csrf_for) -> Iterator[Journey]:
    course, lesson = dataset["course_id"], dataset["lesson_id"]
    # The two references first: a bare Flask app (the true ceiling) and a bare logged-in page of MCC itself.
    yield Journey("bare_flask", None, "/healthz/live", server="bare")
    yield Journey("reference_page", "trainee", "/bench/reference")
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


def _mb(size: int) -> float:
    return round(size / 2**20, 1)


class RssWatch:
    """Samples every 20 ms the RSS of the largest process of each named group (``web``: the gunicorn workers,
    ``worker``: the job worker), keeping the RSS at the start of each phase and the peak within it."""

    def __init__(self, **groups: Callable[[], set[int]]):
        self.groups = groups
        self.phase_name = "start"
        self.starts: dict[str, dict[str, int]] = {}
        self.peaks: dict[str, dict[str, int]] = {}
        self._running = False
        self._thread = threading.Thread(target=self._sample_forever, daemon=True)

    def _rss(self, pids: Callable[[], set[int]]) -> int:
        sizes = []
        with contextlib.suppress(psutil.Error):
            for pid in pids():
                with contextlib.suppress(psutil.Error):  # a worker may just have been replaced
                    sizes.append(psutil.Process(pid).memory_info().rss)
        return max(sizes or [0])

    def _now(self) -> dict[str, int]:
        return {name: self._rss(pids) for name, pids in self.groups.items()}

    def _sample(self) -> None:
        peaks = self.peaks.setdefault(self.phase_name, {})
        for name, size in self._now().items():
            peaks[name] = max(peaks.get(name, 0), size)

    def _sample_forever(self) -> None:
        while self._running:
            self._sample()
            time.sleep(0.02)

    def phase(self, name: str) -> None:
        self._sample()
        self.phase_name = name
        self.starts[name] = self._now()
        self._sample()

    def __enter__(self) -> RssWatch:
        self.starts["start"] = self._now()
        self._running = True
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._running = False
        self._thread.join()
        self._sample()

    def peak(self, group: str, *phases: str) -> int:
        return max((peaks.get(group, 0) for name, peaks in self.peaks.items() if not phases or name in phases),
                   default=0)

    def figures(self, group: str, *phases: str, prefix: str | None = None, since: str = "start") -> dict:
        """``<prefix>baseline_mb`` (RSS when phase ``since`` began), ``<prefix>peak_mb`` and
        ``<prefix>rss_growth_mb`` of ``group`` over ``phases`` (all when none are named)."""
        prefix = f"{group}_" if prefix is None else prefix
        baseline, peak = self.starts[since][group], self.peak(group, *phases)
        return {f"{prefix}baseline_mb": _mb(baseline), f"{prefix}peak_mb": _mb(peak),
                f"{prefix}rss_growth_mb": _mb(peak - baseline)}


def _workers(server: subprocess.Popen) -> Callable[[], set[int]]:
    return lambda: {child.pid for child in psutil.Process(server.pid).children(recursive=True)}


def _process_tree(process: subprocess.Popen) -> Callable[[], set[int]]:
    return lambda: {process.pid, *(child.pid for child in psutil.Process(process.pid).children(recursive=True))}


def _until(what: str, check: Callable[[], dict | None], timeout: float) -> dict:
    """Call ``check`` every POLL_SECONDS until it returns something (RuntimeError after ``timeout`` seconds)."""
    deadline = time.perf_counter() + timeout
    while True:
        found = check()
        if found is not None:
            return found
        if time.perf_counter() > deadline:
            raise RuntimeError(f"{what}: still waiting after {timeout:.0f} s")
        time.sleep(POLL_SECONDS)


def measure_export(base: str, cookie: str, server: subprocess.Popen, env: dict) -> dict:
    """The full XLSX of every trainee (the drill-down list of all enrolled people, no filter), prepared by a worker:
    ask (303 to the progress page), poll the status until ready, download."""
    http = requests.Session()
    http.headers["Cookie"] = cookie
    size, progress_seen = 0, []
    with job_worker(env, base) as worker, RssWatch(web=_workers(server), worker=_process_tree(worker)) as rss:
        rss.phase("request")
        started = time.perf_counter()
        asked = http.get(f"{base}/reports/export/people.xlsx?figure=enrolled", allow_redirects=False, timeout=60)
        request_seconds = time.perf_counter() - started
        if asked.status_code != 303 or "/downloads/" not in asked.headers.get("Location", ""):
            raise RuntimeError(f"asking for the export: {asked.status_code} {asked.headers.get('Location')}")
        page_url = urljoin(base, asked.headers["Location"])
        rss.phase("build")
        if http.get(page_url, timeout=30).status_code != 200:
            raise RuntimeError("the progress page did not answer 200")

        def ready() -> dict | None:
            state = http.get(f"{page_url}/status", timeout=30).json()
            if state["progress"] not in progress_seen:
                progress_seen.append(state["progress"])
            if state["status"] in ("failed", "expired"):
                raise RuntimeError(f"the export is {state['status']}")
            return state if state["status"] == "ready" else None

        state = _until("the export", ready, 600)
        ready_seconds = time.perf_counter() - started
        rss.phase("download")
        with http.get(urljoin(base, state["url"]), stream=True, timeout=600) as response:  # S3: 302 to the bucket
            response.raise_for_status()
            for chunk in response.iter_content(1 << 16):
                size += len(chunk)
        seconds = time.perf_counter() - started
    return {"request_seconds": round(request_seconds, 3), "ready_seconds": round(ready_seconds, 2),
            "download_seconds": round(seconds - ready_seconds, 2), "seconds": round(seconds, 2),
            "bytes": size, "progress_seen": progress_seen,
            **rss.figures("web"), **rss.figures("worker"),
            "worker_build_peak_mb": _mb(rss.peak("worker", "build"))}


def _trainer_session(base: str, dataset: dict) -> tuple[requests.Session, dict]:
    http = requests.Session()
    page = http.get(f"{base}/login", timeout=10).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    account = dataset["accounts"]["trainer"]
    login = http.post(f"{base}/login", data={"csrf_token": token, **account}, timeout=30, allow_redirects=False)
    if login.status_code != 303:
        raise RuntimeError(f"the trainer could not log in: {login.status_code}")
    token = re.search(r'name="csrf-token" content="([^"]+)"', http.get(f"{base}/", timeout=10).text).group(1)
    return http, {"X-CSRFToken": token}


def _start_upload(http: requests.Session, headers: dict, base: str, dataset: dict, size: int, name: str) -> dict:
    started = http.post(f"{base}/api/lessons/{dataset['trainer_lesson_id']}/uploads", headers=headers, json={
        "filename": name, "size": size, "title": "Bench upload", "title_language": "en"}, timeout=30)
    if started.status_code != 201:
        raise RuntimeError(f"upload not started: {started.status_code} {started.text[:200]}")
    return started.json()


def _part(number: int, size: int, zeros: bytes) -> bytes:
    """Part ``number`` of a video: an MP4 header first (the worker sniffs the type), zeros after."""
    return (MP4_HEAD + zeros[len(MP4_HEAD):size]) if number == 1 else zeros[:size]


def _complete_and_verify(http: requests.Session, headers: dict, base: str, started: dict, parts: list,
                         rss: RssWatch | None) -> dict:
    """Complete the upload (202), then poll its status until the worker has verified it."""
    if rss:
        rss.phase("complete")
    begun = time.perf_counter()
    done = http.post(base + started["complete_url"], json={"parts": parts}, headers=headers, timeout=600)
    complete_seconds = time.perf_counter() - begun
    if done.status_code != 202:
        raise RuntimeError(f"upload not completed: {done.status_code} {done.text[:200]}")
    status_url = base + done.json()["material"]["status_url"]
    if rss:
        rss.phase("verify")

    def verified() -> dict | None:
        material = http.get(status_url, headers=headers, timeout=30).json()["material"]
        if material["status"] == "refused":
            if material["refusal"] == "not_video":
                # Verified, then refused by the conversion (only it refuses as "not a video"): the zero-filled
                # "video" can be refused before a poll sees its conversion asked for.
                return material
            raise RuntimeError(f"the worker refused the upload: {material['message']}")
        # A video is verified once its conversion is asked for (these zero-filled "videos" are then refused as
        # unplayable by the conversion: the real conversion is measured by bench/video.py).
        return material if material["status"] == "ready" or material["media_status"] != "none" else None

    material = _until("verifying the upload", verified, 1800)
    return {"complete_seconds": round(complete_seconds, 3),
            "verify_seconds": round(time.perf_counter() - begun - complete_seconds, 1),
            "material_id": material["id"], "material_status": material["status"]}


def measure_upload_local(env: dict, dataset: dict) -> dict:
    """2 GB through the app into local storage, in the uploader's parts; completed (202), then joined and verified
    by a worker. The web workers' RSS must stay flat."""
    media = ROOT / "instance" / "bench-upload"
    local_env = {**env, "MCC_STORAGE_BACKEND": "local", "MCC_MEDIA_ROOT": str(media)}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn({**local_env, "MCC_WEB_WORKERS": "1"}, port)
    try:
        http, headers = _trainer_session(base, dataset)
        with job_worker(local_env, base) as worker, RssWatch(web=_workers(server),
                                                             worker=_process_tree(worker)) as rss:
            rss.phase("parts")
            begun = time.perf_counter()
            started = _start_upload(http, headers, base, dataset, UPLOAD_BYTES, "welding-full-shift.mp4")
            zeros = bytes(started["part_size"])
            parts, sent, number = [], 0, 1
            while sent < UPLOAD_BYTES:
                size = min(started["part_size"], UPLOAD_BYTES - sent)
                target = http.post(base + started["target_url"].replace("__PART__", str(number)), json={},
                                   headers=headers, timeout=30).json()
                etag = http.put(base + target["url"], data=_part(number, size, zeros), headers=headers,
                                timeout=300).json()["etag"]
                parts.append({"number": number, "etag": etag})
                sent += size
                number += 1
            parts_seconds = time.perf_counter() - begun
            outcome = _complete_and_verify(http, headers, base, started, parts, rss)
    finally:
        stop_group(server)
        for path in sorted(media.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
    return {"parts_seconds": round(parts_seconds, 1), **outcome,
            "part_size": started["part_size"], "parts": len(parts), "bytes": UPLOAD_BYTES,
            **rss.figures("web", prefix=""),
            **rss.figures("web", "complete", "verify", prefix="web_completion_", since="complete"),
            **rss.figures("worker")}


def _send_to_bucket(http: requests.Session, headers: dict, base: str, started: dict, size: int) -> list[dict]:
    """Each part: its presigned URL from the app, then PUT straight to the bucket (no cookies), as the browser."""
    zeros = bytes(started["part_size"])
    bucket = requests.Session()
    parts, sent, number = [], 0, 1
    while sent < size:
        length = min(started["part_size"], size - sent)
        target = http.post(base + started["target_url"].replace("__PART__", str(number)), json={},
                           headers=headers, timeout=30).json()
        if not target["direct"]:
            raise RuntimeError(f"part {number} was not sent to the bucket")
        put = bucket.put(target["url"], data=_part(number, length, zeros), timeout=300)
        if put.status_code != 200:
            raise RuntimeError(f"the bucket refused part {number}: {put.status_code} {put.text[:200]}")
        parts.append({"number": number, "etag": put.headers["ETag"]})
        sent += length
        number += 1
    return parts


def measure_upload_s3(base: str, server: subprocess.Popen, env: dict, dataset: dict) -> dict:
    """1 GB to S3 (moto): parts PUT straight to the presigned URLs the app hands out, completed through the app
    (202), joined (CompleteMultipartUpload, asked by the worker) and verified by a worker. The web workers never
    touch the bytes.

    Two controls: the bucket's own CompleteMultipartUpload of an equal upload sent with boto3 (what the worker
    waits for when it joins: why the request does not), and the completion of a one-part (16 MiB) upload."""
    http, headers = _trainer_session(base, dataset)
    with job_worker(env, base) as worker, RssWatch(web=_workers(server), worker=_process_tree(worker)) as rss:
        rss.phase("parts")
        begun = time.perf_counter()
        started = _start_upload(http, headers, base, dataset, S3_UPLOAD_BYTES, "welding-half-shift.mp4")
        if not started["direct"]:
            raise RuntimeError("the app did not offer direct uploads to the bucket")
        parts = _send_to_bucket(http, headers, base, started, S3_UPLOAD_BYTES)
        parts_seconds = time.perf_counter() - begun
        outcome = _complete_and_verify(http, headers, base, started, parts, rss)
        rss.phase("controls")
        small = _start_upload(http, headers, base, dataset, started["part_size"], "welding-clip.mp4")
        small_parts = _send_to_bucket(http, headers, base, small, started["part_size"])
        small_outcome = _complete_and_verify(http, headers, base, small, small_parts, None)
    bucket_seconds = _bucket_complete_seconds(env, S3_UPLOAD_BYTES, started["part_size"])
    return {"parts_seconds": round(parts_seconds, 1), **outcome,
            "bucket_complete_seconds": round(bucket_seconds, 3),
            "one_part_complete_seconds": small_outcome["complete_seconds"],
            "part_size": started["part_size"], "parts": len(parts), "bytes": S3_UPLOAD_BYTES,
            **rss.figures("web", "complete", "verify", prefix=""),
            **rss.figures("web", prefix="web_whole_"),
            **rss.figures("worker", "complete", "verify", since="complete")}


def _bucket_complete_seconds(env: dict, size: int, part_size: int) -> float:
    """The bucket's own CompleteMultipartUpload of an upload like the app's (same size and parts), sent straight
    with boto3: how much of the completing request is the bucket joining the parts rather than the app."""
    import boto3
    from botocore.config import Config

    client = boto3.client("s3", endpoint_url=env["MCC_S3_ENDPOINT_URL"], region_name=env["MCC_S3_REGION"],
                          aws_access_key_id=env["MCC_S3_ACCESS_KEY_ID"],
                          aws_secret_access_key=env["MCC_S3_SECRET_ACCESS_KEY"],
                          config=Config(s3={"addressing_style": "path"}))
    bucket, key = env["MCC_S3_BUCKET"], "bench/control-join"
    upload_id = client.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    zeros, parts, sent, number = bytes(part_size), [], 0, 1
    while sent < size:
        length = min(part_size, size - sent)
        etag = client.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number,
                                  Body=zeros[:length])["ETag"]
        parts.append({"PartNumber": number, "ETag": etag})
        sent += length
        number += 1
    begun = time.perf_counter()
    client.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts})
    seconds = time.perf_counter() - begun
    client.delete_object(Bucket=bucket, Key=key)
    return seconds


def extra_measurements(dataset: dict, env: dict, base: str, cookies: dict,
                       server: subprocess.Popen) -> Iterator[tuple[str, Callable[[], dict]]]:
    yield "export_all_trainees_xlsx", lambda: measure_export(base, cookies["coordinator"], server, env)
    yield "upload_2gb_local", lambda: measure_upload_local(env, dataset)
    yield "upload_1gb_s3", lambda: measure_upload_s3(base, server, env, dataset)
    from bench import video

    yield "transcode_1080p", lambda: video.measure_transcode(env)
    yield "video_1gb_s3", lambda: video.measure_big_video_s3(base, server, env, dataset)
