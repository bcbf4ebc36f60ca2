"""What operators install: the systemd units pass ``systemd-analyze verify`` (where this machine has it), they run
what the Procfile runs, and gunicorn.conf.py loads with the settings the app relies on."""

from __future__ import annotations

import runpy
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNITS = sorted((ROOT / "deploy" / "systemd").glob("*.service"))


def test_there_is_a_unit_for_the_web_and_for_the_workers():
    assert {unit.name for unit in UNITS} == {"mcc-web.service", "mcc-worker.service"}


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here")
def test_the_units_pass_systemd_analyze_verify(tmp_path):
    # The units name /srv/mcc: verify them against a stand-in install so their commands exist.
    install = tmp_path / "srv"
    (install / ".venv" / "bin").mkdir(parents=True)
    for program in ("gunicorn", "flask"):
        script = install / ".venv" / "bin" / program
        script.write_text("#!/bin/sh\n")
        script.chmod(0o755)
    copies = []
    for unit in UNITS:
        copy = tmp_path / unit.name
        copy.write_text(unit.read_text().replace("/srv/mcc", str(install)))
        copies.append(str(copy))
    result = subprocess.run(["systemd-analyze", "verify", "--man=no", *copies], capture_output=True, text=True,
                            timeout=60)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Unknown" not in output and "ignoring" not in output, output


def test_the_units_run_what_the_procfile_runs():
    procfile = dict(line.split(": ", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line.strip())
    units = {unit.name: unit.read_text() for unit in UNITS}
    assert f"ExecStart=/srv/mcc/.venv/bin/{procfile['web']}\n" in units["mcc-web.service"]
    assert f"ExecStart=/srv/mcc/.venv/bin/{procfile['worker']}\n" in units["mcc-worker.service"]


def test_gunicorn_logs_the_request_id_and_keeps_requests_short(monkeypatch):
    monkeypatch.setenv("MCC_WEB_WORKERS", "3")
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert settings["workers"] == 3  # the same variable config.py checks shared limits and cache against
    assert "%({x-request-id}o)s" in settings["access_log_format"]
    assert settings["timeout"] <= 120 and settings["worker_class"] == "sync"
