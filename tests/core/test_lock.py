"""Reproducible installs: `make` installs requirements-dev.lock with hashes, so the environment running the tests
holds exactly the locked versions, and the locks cover what pyproject.toml asks for."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def _pins(lock: str) -> dict[str, Requirement]:
    """name -> requirement (``==`` version and marker) of every package a lock file pins, each with its hashes."""
    text = (ROOT / lock).read_text()
    pins = {}
    for entry in re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2]):
        line = entry.split("\\", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        assert "--hash=sha256:" in entry, f"{lock}: {line} has no hash"
        requirement = Requirement(line)
        pins[canonicalize_name(requirement.name)] = requirement
    return pins


def test_the_environment_holds_exactly_the_locked_versions():
    applicable = {name: req for name, req in _pins("requirements-dev.lock").items()
                  if req.marker is None or req.marker.evaluate()}
    assert len(applicable) > 50
    wrong = {}
    for name, requirement in applicable.items():
        (locked,) = [spec.version for spec in requirement.specifier]
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        if installed != locked:
            wrong[name] = (locked, installed)
    assert wrong == {}, "installed versions differ from requirements-dev.lock (locked, installed): run `make dev-setup`"


def test_the_locks_satisfy_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for lock, wanted in (("requirements.lock", project["dependencies"]),
                         ("requirements-dev.lock", project["dependencies"] + project["optional-dependencies"]["dev"])):
        pins = _pins(lock)
        for line in wanted:
            requirement = Requirement(line)
            pin = pins.get(canonicalize_name(requirement.name))
            assert pin is not None, f"{lock} lacks {requirement.name}: run `make lock`"
            (locked,) = [spec.version for spec in pin.specifier]
            assert requirement.specifier.contains(locked, prereleases=True), \
                f"{lock} pins {requirement.name}=={locked}, outside {requirement.specifier}: run `make lock`"
