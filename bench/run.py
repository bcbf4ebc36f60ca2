"""`make bench`: load-test the app as in production and compare every journey with the liveness ceiling.

    python -m bench.run [--pairs N] [--duration S] [--only name,name] [--skip-data]

1. Database: BENCH_DATABASE_URL (PostgreSQL) or a SQLite file under instance/; migrated, and filled once with
   `flask bench-data` (seeded, reproducible). A marker in the database says the dataset is there.
2. The app runs as production requires (``ProductionConfig.validate``): MCC_BASE_URL on the server's address,
   rate limits, report cache and job queue shared in Redis (BENCH_RATELIMIT_URL, BENCH_CACHE_URL,
   BENCH_QUEUE_URL; by default databases 5, 2 and 6 of 127.0.0.1:6379, none of them used by the tests), mail
   written to instance/bench-outbox (accepted as the risk ``outbox-mail``).
3. gunicorn (`-w 2` sync, gunicorn.conf.py as in production; its access log goes to instance/bench-gunicorn.log)
   on 127.0.0.1, S3 storage on a local moto server.
4. For each journey: at least 6 alternating pairs of wrk runs, ceiling (/healthz/live) then page, each with the
   CPU time other processes used meanwhile; per pair the ratio page rps / ceiling rps; medians reported. No job
   worker runs during the journeys.
5. Then the measurements made once each (export, uploads), each with its own job worker beside gunicorn
   (`flask jobs worker --workers 2`, same environment, its own process group, stopped after it; log in
   instance/bench-worker.log).
6. Results to bench/results/latest.json and a table on stdout; exit status 1 when a budget in bench/budgets.toml
   is missed (or a budgeted journey could not be measured). ``--only`` takes journey and measurement names.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
CEILING = "/healthz/live"
REDIS = "redis://127.0.0.1:6379"
INSTANCE = ROOT / "instance"


@dataclass
class Journey:
    name: str
    role: str | None  # which bench account's session cookie to send (None: anonymous)
    path: str
    method: str = "GET"
    body: str | None = None
    extra_headers: dict = field(default_factory=dict)
    #: "app": MCC; "bare": the bare Flask app of bench/bare.py (the true ceiling).
    server: str = "app"


@dataclass
class Sample:
    rps: float
    p50_ms: float
    p95_ms: float
    http_errors: int
    socket_errors: int
    other_cpu_s: float


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_s3() -> tuple[subprocess.Popen, dict[str, str]]:
    """moto's S3 server on 127.0.0.1 with a bucket: downloads are measured as in production (presign + redirect)."""
    port = free_port()
    process = subprocess.Popen([str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while True:
        try:
            requests.put(f"{endpoint}/mcc-bench", timeout=1)  # CreateBucket (path style)
            break
        except requests.ConnectionError:
            if time.time() > deadline:
                process.kill()
                raise SystemExit("moto_server did not start") from None
            time.sleep(0.2)
    return process, {"MCC_STORAGE_BACKEND": "s3", "MCC_S3_ENDPOINT_URL": endpoint, "MCC_S3_BUCKET": "mcc-bench",
                     "MCC_S3_ACCESS_KEY_ID": "bench", "MCC_S3_SECRET_ACCESS_KEY": "bench",
                     "MCC_S3_REGION": "us-east-1", "MCC_S3_ADDRESSING_STYLE": "path",
                     "AWS_EC2_METADATA_DISABLED": "true"}


def bench_env(database_url: str, storage: dict[str, str], base_url: str, web_workers: int) -> dict[str, str]:
    """Production settings that pass ``ProductionConfig.validate`` (config.py) on this machine."""
    env = dict(os.environ)
    env.update({
        "MCC_ENV": "production",
        "MCC_SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnop",
        "MCC_DATABASE_URL": database_url,
        **storage,
        # Links are built on it; production answers 400 to other hosts (127.0.0.1 and localhost always pass, on
        # any port: the upload measurement's second server shares this setting).
        "MCC_BASE_URL": base_url,
        "MCC_SESSION_COOKIE_SECURE": "false",
        "MCC_WEB_WORKERS": str(web_workers),
        # Shared limits as production requires with several processes; the login journey measures the cost of
        # logging in, not the limiter refusing it (every request comes from 127.0.0.1).
        "MCC_RATELIMIT_STORAGE_URI": os.environ.get("BENCH_RATELIMIT_URL", f"{REDIS}/5"),
        "MCC_LOGIN_RATE_LIMIT": "1000000 per minute",
        "MCC_ATTEMPTS_PER_ADDRESS": "1000000 per minute",
        "MCC_LOG_LEVEL": "WARNING",
        # As in production with several processes: the report cache is shared in Redis.
        "MCC_CACHE_URL": os.environ.get("BENCH_CACHE_URL", f"{REDIS}/2"),
        # The job queue the web processes hand work to and the bench's worker takes it from.
        "MCC_QUEUE_URL": os.environ.get("BENCH_QUEUE_URL", f"{REDIS}/6"),
        "MCC_QUEUE_NAME": "mcc-bench",
        # Nobody reads the bench's mail: written as files, a risk accepted by name.
        "MCC_MAIL_BACKEND": "outbox",
        "MCC_MAIL_OUTBOX": str(INSTANCE / "bench-outbox"),
        "MCC_ACCEPT_RISKS": "outbox-mail",
    })
    return env


def check_redis(env: dict[str, str]) -> None:
    import redis

    for name in ("MCC_RATELIMIT_STORAGE_URI", "MCC_CACHE_URL", "MCC_QUEUE_URL"):
        try:
            redis.Redis.from_url(env[name], socket_connect_timeout=2).ping()
        except redis.RedisError as error:
            raise SystemExit(f"Redis is needed at {env[name]} ({name}): {error}") from None


def flask(env: dict[str, str], *args: str, capture: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, check=True,
                          capture_output=capture, text=True)


def prepare_database(env: dict[str, str], skip_data: bool) -> dict:
    flask(env, "translations", "compile")
    flask(env, "db", "upgrade")
    if not skip_data:
        flask(env, "bench-data")
    # As after any upgrade that adds them (README): a dataset generated before the reports' summaries existed
    # gets them filled; on a fresh dataset this only recomputes what bench-data filled.
    flask(env, "reporting", "rebuild-summaries")
    info = flask(env, "bench-data", "--describe", capture=True).stdout
    return json.loads(info)


def stop_group(process: subprocess.Popen, timeout: float = 30) -> None:
    """Stop a process started with ``start_new_session=True`` and everything it started (its process group)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def start_gunicorn(env: dict[str, str], port: int, application: str = "bench.wsgi:app",
                   log_name: str = "bench-gunicorn.log") -> subprocess.Popen:
    """gunicorn exactly as the README runs it in production (``--config gunicorn.conf.py``: sync workers, as many
    as MCC_WEB_WORKERS), only bound to a free port on 127.0.0.1."""
    with (INSTANCE / log_name).open("a") as log:  # the access log of gunicorn.conf.py
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--config", str(ROOT / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}",
             "--log-level", "warning", application],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}{CEILING}", timeout=1).status_code == 200:
                return process
        except requests.RequestException:  # not listening yet, or still loading the app
            time.sleep(0.3)
    stop_group(process)
    raise SystemExit("gunicorn did not start (see instance/bench-gunicorn.log)")


def start_worker(env: dict[str, str], threads: int = 2) -> subprocess.Popen:
    """``flask jobs worker`` with the server's environment, in its own process group."""
    log_path = INSTANCE / "bench-worker.log"
    with log_path.open("a") as log:
        log.write(f"--- {time.strftime('%H:%M:%S')} worker on {env['MCC_STORAGE_BACKEND']} storage\n")
        log.flush()
        process = subprocess.Popen([str(BIN / "flask"), "--app", "wsgi", "jobs", "worker", "--workers", str(threads)],
                                   cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.time() + 60
    while "MCC worker:" not in log_path.read_text(errors="replace").rsplit("--- ", 1)[-1]:
        if process.poll() is not None or time.time() > deadline:
            stop_group(process)
            raise RuntimeError("the job worker did not start (see instance/bench-worker.log)")
        time.sleep(0.2)
    return process


def wait_for_idle_queue(base: str, timeout: float = 300) -> dict:
    """Until /healthz says nothing is waiting (work queued by the journeys is done before a measurement), twice
    in a row a second apart: the oldest waiting message's age is given in whole seconds, so a job a worker took
    half a second ago reads as 0 once (a 1 GB upload's conversion was cut off that way, its lease then held up the
    next measurement for an hour)."""
    deadline = time.time() + timeout
    idle_since = None
    while True:
        queue = requests.get(f"{base}/healthz", timeout=10).json().get("queue", {})
        if queue.get("queued") == 0 and queue.get("oldest_waiting_seconds") == 0:
            if idle_since is not None and time.time() - idle_since >= 1:
                return queue
            idle_since = idle_since or time.time()
        else:
            idle_since = None
        if time.time() > deadline:
            raise RuntimeError(f"the job queue did not empty: {queue}")
        time.sleep(0.5)


@contextlib.contextmanager
def job_worker(env: dict[str, str], base: str) -> Iterator[subprocess.Popen]:
    """A job worker beside the server at ``base`` for one measurement; stopped (its whole group) afterwards."""
    process = start_worker(env)
    try:
        wait_for_idle_queue(base)
        yield process
    finally:
        # The measurement's follow-up work (a video's conversion) finishes before the worker stops: a job cut
        # off mid-way would wait for its lease to expire and hold up the next measurement's idle queue.
        with contextlib.suppress(RuntimeError, requests.RequestException):
            wait_for_idle_queue(base, timeout=300)
        stop_group(process)


def session_cookie(base: str, email: str, password: str) -> str:
    http = requests.Session()
    page = http.get(f"{base}/login").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = http.post(f"{base}/login", data={"csrf_token": token, "email": email, "password": password},
                         allow_redirects=False)
    if response.status_code != 303:
        raise SystemExit(f"bench login failed for {email}: {response.status_code}")
    return "; ".join(f"{c.name}={c.value}" for c in http.cookies)


def csrf_for(base: str, cookie: str) -> str:
    page = requests.get(f"{base}/", headers={"Cookie": cookie}, timeout=10).text
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def cpu_seconds_of(pids: set[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
            total += times.user + times.system + times.children_user + times.children_system
        except psutil.Error:
            pass
    return total


def server_pids(server: subprocess.Popen) -> set[int]:
    parent = psutil.Process(server.pid)
    return {parent.pid, *(child.pid for child in parent.children(recursive=True))}


def run_wrk(url: str, settings: dict, journey: Journey | None, cookie: str | None, ours: set[int]) -> Sample:
    command = ["wrk", "-t", str(settings["threads"]), "-c", str(settings["connections"]),
               "-d", f"{settings['duration_s']}s", "--latency", "-s", str(ROOT / "bench" / "report.lua")]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    if journey is not None:
        for name, value in journey.extra_headers.items():
            command += ["-H", f"{name}: {value}"]
    env = dict(os.environ)
    if journey is not None and journey.method != "GET":
        script = ROOT / "instance" / f"bench-{journey.name}.lua"
        body = json.dumps(journey.body or "")
        script.write_text(f'wrk.method = "{journey.method}"\nwrk.body = {body}\n'
                          'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
                          + (ROOT / "bench" / "report.lua").read_text())
        command[command.index("-s") + 1] = str(script)
    busy_before = psutil.cpu_times()
    ours_before = cpu_seconds_of(ours)
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True, env=env).stdout
    busy_after = psutil.cpu_times()
    ours_after = cpu_seconds_of(ours)
    machine = (busy_after.user + busy_after.system) - (busy_before.user + busy_before.system)
    wrk_line = json.loads(output.strip().splitlines()[-1])
    seconds = wrk_line["duration_us"] / 1e6
    # Other processes' CPU = machine busy time - our server's - (roughly) wrk's own share, which we cannot
    # attribute per process after exit; report machine minus server as the conservative figure.
    return Sample(
        rps=wrk_line["requests"] / seconds,
        p50_ms=wrk_line["p50_us"] / 1000,
        p95_ms=wrk_line["p95_us"] / 1000,
        http_errors=wrk_line["http_errors"],
        socket_errors=wrk_line["socket_errors"],
        other_cpu_s=round(max(0.0, machine - (ours_after - ours_before)), 2),
    )


def drain(base: str) -> None:
    """Wait until requests queued by the previous run are served (slow pages leave a backlog behind wrk)."""
    deadline = time.time() + 60
    while time.time() < deadline:
        started = time.perf_counter()
        try:
            requests.get(base + CEILING, timeout=5)
        except requests.RequestException:
            continue
        if time.perf_counter() - started < 0.02:
            return


def measure(base: str, journey: Journey, cookie: str | None, settings: dict, ours: set[int],
            bases: dict[str, str]) -> dict:
    pairs = []
    target = bases[journey.server]
    for _ in range(settings["pairs"]):
        drain(base)
        ceiling = run_wrk(base + CEILING, settings, None, None, ours)
        drain(target)
        page = run_wrk(target + journey.path, settings, journey, cookie, ours)
        ratio = page.rps / ceiling.rps if ceiling.rps else 0.0
        pairs.append({"ceiling": ceiling.__dict__, "page": page.__dict__, "ratio": ratio})
    med = statistics.median
    return {
        "path": journey.path,
        "role": journey.role,
        "rps": med(p["page"]["rps"] for p in pairs),
        "p50_ms": med(p["page"]["p50_ms"] for p in pairs),
        "p95_ms": med(p["page"]["p95_ms"] for p in pairs),
        "ceiling_rps": med(p["ceiling"]["rps"] for p in pairs),
        "ratio": med(p["ratio"] for p in pairs),
        "http_errors": sum(p["page"]["http_errors"] for p in pairs),
        "pairs": pairs,
    }


def single_request_ms(base: str, journey: Journey, cookie: str | None, times: int = 40) -> float:
    """One request at a time on a kept-alive connection, warm (three first): the median time to the full answer,
    as a person alone on the server would wait (loopback adds about 0.2 ms)."""
    http = requests.Session()
    headers = {**({"Cookie": cookie} if cookie else {}), **journey.extra_headers}
    samples = []
    for n in range(times + 3):
        started = time.perf_counter()
        response = http.get(base + journey.path, headers=headers, allow_redirects=False, timeout=30)
        response.content  # noqa: B018 - the whole body, as a browser waits for it
        if n >= 3:
            samples.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(samples), 2)


def cold_request_ms(base: str, journey: Journey, cookie: str, env: dict[str, str], times: int = 5) -> float:
    """The page right after the shared cache was emptied (every cached figure and fragment gone): the median of
    ``times`` such requests."""
    import redis

    cache = redis.Redis.from_url(env["MCC_CACHE_URL"])
    samples = []
    for _ in range(times):
        cache.flushdb()
        started = time.perf_counter()
        requests.get(base + journey.path, headers={"Cookie": cookie}, allow_redirects=False, timeout=60).content  # noqa: B018
        samples.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(samples), 1)


def relative_to_references(results: dict) -> None:
    """Each journey's ratio also to the bare Flask app and to MCC's bare logged-in page (both measured against
    the same liveness ceiling, so ratio / their ratio compares requests/s with theirs)."""
    for reference, figure in (("bare_flask", "ratio_to_bare_flask"), ("reference_page", "ratio_to_reference")):
        ratio = results.get(reference, {}).get("ratio")
        if not ratio:
            continue
        for result in results.values():
            if "ratio" in result:
                result[figure] = round(result["ratio"] / ratio, 3)


def check_budgets(results: dict, budgets: dict) -> list[str]:
    """``min_X`` / ``max_X`` in a budget bound the result's figure ``X`` (``max_p95_ms``: ``p95_ms``)."""
    missed = []
    for name, budget in budgets.items():
        result = results.get(name)
        if result is None or "error" in (result or {}):
            missed.append(f"{name}: not measured ({(result or {}).get('error', 'no such journey yet')})")
            continue
        for key, limit in budget.items():
            bound, _, figure = key.partition("_")
            if bound not in ("min", "max"):
                continue
            value = result.get(figure)
            if value is None:
                missed.append(f"{name}: {figure} not measured")
            elif bound == "min" and value < limit:
                missed.append(f"{name}: {figure} {_shown(figure, value)} < {_shown(figure, limit)}")
            elif bound == "max" and value > limit:
                missed.append(f"{name}: {figure} {_shown(figure, value)} > {_shown(figure, limit)}")
        if result.get("http_errors"):
            missed.append(f"{name}: {result['http_errors']} HTTP errors during the run")
    for name, result in results.items():  # a page answering errors measured the errors, budget or not
        if name not in budgets and result.get("http_errors"):
            missed.append(f"{name}: {result['http_errors']} HTTP errors during the run (no budget)")
    return missed


def access_log_errors() -> dict[str, dict[str, int]]:
    """Responses >= 400 in gunicorn's access log, by request line and status (what the HTTP errors were)."""
    found: dict[str, dict[str, int]] = {}
    pattern = re.compile(r'"([A-Z]+) ([^ ?"]+)[^"]*" (\d{3}) ')
    with contextlib.suppress(FileNotFoundError), (INSTANCE / "bench-gunicorn.log").open(errors="replace") as log:
        for line in log:
            match = pattern.search(line)
            if match and int(match.group(3)) >= 400:
                counts = found.setdefault(f"{match.group(1)} {match.group(2)}", {})
                counts[match.group(3)] = counts.get(match.group(3), 0) + 1
    return found


def _shown(figure: str, value: float) -> str:
    if figure.endswith("_ms"):
        return f"{value:.0f} ms"
    if figure.endswith("_mb"):
        return f"{value:.0f} MB"
    if figure.endswith("seconds"):
        return f"{value:.2f} s"
    return f"{value:.3f}"


def print_table(results: dict) -> None:
    print(f"\n{'journey':24} {'rps':>7} {'p50 ms':>7} {'p95 ms':>7} {'ceiling':>7} {'ratio':>6} {'/bare':>6} "
          f"{'/ref':>6} {'1 req ms':>8} {'errors':>6}")
    for name, r in results.items():
        if "rps" in r:
            print(f"{name:24} {r['rps']:7.0f} {r['p50_ms']:7.1f} {r['p95_ms']:7.1f} {r['ceiling_rps']:7.0f} "
                  f"{r['ratio']:6.3f} {r.get('ratio_to_bare_flask', 0):6.3f} {r.get('ratio_to_reference', 0):6.3f} "
                  f"{r.get('single_ms', 0):8.2f} {r['http_errors']:6d}"
                  + (f"   cold {r['cold_ms']:.0f} ms" if "cold_ms" in r else ""))
        elif "error" in r:
            print(f"{name:28} {'— ' + r['error']}")
        else:
            print(f"{name:28} " + ", ".join(f"{k}={v}" for k, v in r.items() if not isinstance(v, dict | list)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int)
    parser.add_argument("--duration", type=int)
    parser.add_argument("--only", help="comma-separated journey and measurement names (see bench/journeys.py)")
    parser.add_argument("--skip-data", action="store_true", help="reuse the existing dataset")
    args = parser.parse_args()

    config = tomllib.loads((ROOT / "bench" / "budgets.toml").read_text())
    settings = config["settings"]
    settings["pairs"] = max(6, args.pairs or settings["pairs"])
    settings["duration_s"] = args.duration or settings["duration_s"]
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")

    INSTANCE.mkdir(exist_ok=True)
    (INSTANCE / "bench-gunicorn.log").write_text("")
    (INSTANCE / "bench-worker.log").write_text("")
    database_url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{INSTANCE / 'bench.sqlite3'}"
    port = free_port()
    s3_process, storage = start_s3()
    try:
        env = bench_env(database_url, storage, f"http://127.0.0.1:{port}", settings["workers"])
        check_redis(env)
        return run(args, settings, config, env, database_url, port)
    finally:
        stop_group(s3_process)


def run(args, settings: dict, config: dict, env: dict, database_url: str, port: int) -> int:
    load_before = os.getloadavg()
    started = time.time()
    dataset = prepare_database(env, args.skip_data)
    data_seconds = time.time() - started

    from bench.journeys import extra_measurements, journeys

    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(env, port)
    bare_port = free_port()
    bare = start_gunicorn(env, bare_port, "bench.bare:app", "bench-bare-gunicorn.log")
    bases = {"app": base, "bare": f"http://127.0.0.1:{bare_port}"}
    results: dict[str, dict] = {}
    try:
        ours = server_pids(server)
        cookies = {role: session_cookie(base, account["email"], account["password"])
                   for role, account in dataset["accounts"].items()}
        wanted = set(args.only.split(",")) if args.only else None
        for journey in journeys(dataset, base, cookies, csrf_for):
            if isinstance(journey, str):  # a journey the dataset cannot offer yet
                if not wanted or journey in wanted:
                    results[journey] = {"error": "not available in this build"}
                continue
            if wanted and journey.name not in wanted:
                continue
            print(f"measuring {journey.name} ({journey.path}) ...", flush=True)
            results[journey.name] = measure(base, journey, cookies.get(journey.role), settings, ours, bases)
            if journey.method == "GET":
                results[journey.name]["single_ms"] = single_request_ms(bases[journey.server], journey,
                                                                       cookies.get(journey.role))
            if journey.name == "coordinator_dashboard":
                results[journey.name]["cold_ms"] = cold_request_ms(base, journey, cookies["coordinator"], env)
        relative_to_references(results)
        for name, measurement in extra_measurements(dataset, env, base, cookies, server):
            if not wanted or name in wanted:
                print(f"measuring {name} ...", flush=True)
                try:
                    results[name] = measurement()
                except Exception as error:
                    results[name] = {"error": f"{type(error).__name__}: {error}"}
                print(f"  {results[name]}", flush=True)
    finally:
        stop_group(server)
        stop_group(bare)

    budgets = {k: v for k, v in config.get("budgets", {}).items() if not wanted or k in wanted}
    missed = check_budgets(results, budgets)
    report = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                    "load_average_before": [round(x, 2) for x in load_before],
                    "load_average_after": [round(x, 2) for x in os.getloadavg()]},
        "database": "postgresql" if database_url.startswith("postgresql") else "sqlite",
        "dataset": {k: v for k, v in dataset.items() if k != "accounts"},
        "dataset_seconds": round(data_seconds, 1),
        "settings": settings,
        "results": results,
        "budgets_missed": missed,
        "error_responses": access_log_errors(),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2))
    print_table(results)
    if report["error_responses"]:
        print("\nerror responses (gunicorn access log):")
        for line, counts in report["error_responses"].items():
            print(f"  {line}: " + ", ".join(f"{count} x {status}" for status, count in counts.items()))
    print(f"\ndataset ready in {data_seconds:.0f} s; results in bench/results/latest.json")
    if missed:
        print("BUDGETS MISSED:\n  " + "\n  ".join(missed))
        return 1
    print("all budgets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
