# MCC — the two commands that matter: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := MCC_ENV=development $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint bench setup dev-setup translations migrate seed clean settings-table lock course-videos

# Serve the app with demo data on http://127.0.0.1:5000 (SQLite + local storage; a second run reuses all), with a
# worker beside it for background work (mails land in instance/outbox/); Ctrl-C stops both.
run: setup translations migrate seed
	@echo "MCC on http://$(HOST):$(PORT)/ with a background worker — demo accounts are listed in README.md"
	@trap 'kill 0' EXIT INT TERM; \
	  $(FLASK) jobs worker --workers 2 & \
	  $(FLASK) run --host $(HOST) --port $(PORT)

# Run the whole test suite (PostgreSQL too when TEST_DATABASE_URL is set; see .ci/run), on TEST_JOBS processes; an
# idle process takes tests queued for a busy one (worksteal), the slowest tests start first (tests/conftest.py).
TEST_JOBS ?= 2
test: dev-setup translations
	$(BIN)/pytest -n $(TEST_JOBS) --dist worksteal $(PYTEST_ARGS)

lint: dev-setup
	$(BIN)/ruff check .

setup: $(VENV)/.installed-run
dev-setup: $(VENV)/.installed-dev

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "MCC needs Python 3.11 or newer"'
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  rm -rf $(VENV); \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "python3-venv is missing: installing it with apt-get"; \
	    apt-get install -y python3-venv >/dev/null && $(PYTHON) -m venv $(VENV); \
	  else \
	    echo "Cannot create a virtual environment: install python3-venv (sudo apt-get install python3-venv)"; exit 1; \
	  fi; }
	$(BIN)/python -m pip install --quiet --upgrade pip

# Exactly the locked versions, checked against their hashes; then MCC itself (its dependencies are in the lock).
$(VENV)/.installed-run: requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@

$(VENV)/.installed-dev: requirements-dev.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@ $(VENV)/.installed-run

# Re-resolve the locks after changing the dependencies in pyproject.toml (newest versions within its bounds).
LOCK := $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --quiet
lock: | $(BIN)/python
	$(BIN)/pip install --quiet uv
	$(LOCK) $(LOCK_ARGS) -o requirements.lock
	$(LOCK) $(LOCK_ARGS) --extra dev -o requirements-dev.lock

translations: setup
	@$(FLASK) translations compile

migrate: setup
	@mkdir -p instance
	$(FLASK) db upgrade

seed: setup
	$(FLASK) seed-demo

# Load-test as in production (gunicorn, wrk) on a generated dataset; BENCH_DATABASE_URL picks PostgreSQL.
bench: dev-setup translations
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then apt-get install -y wrk >/dev/null; \
	  else echo "wrk is missing: sudo apt-get install wrk"; exit 1; fi; }
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# The instructional videos of courses/ and their captions, redrawn from the course files (espeak-ng narrates one).
course-videos: dev-setup
	@command -v espeak-ng >/dev/null || echo "espeak-ng is missing (apt-get install espeak-ng): the narrated video will be silent"
	$(BIN)/python scripts/make_course_videos.py $(VIDEO_ARGS)

clean:
	rm -rf $(VENV) instance/mcc.sqlite3* .ruff_cache

# The README's settings table, regenerated from config.py (tests/core/test_config.py checks they agree).
settings-table: setup
	$(BIN)/python config.py --readme
