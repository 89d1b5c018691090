# Chaat: `make run` serves the site, `make test` runs every test. Both set everything up first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2

.PHONY: run test install install-dev migrate messages lint check audit clean bench bench-smoke fuzz soak

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# The compiled catalogues are committed; rebuild them when gettext's msgfmt is installed.
messages: $(VENV)/.installed
	@if command -v msgfmt >/dev/null; then DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv -v0; fi

# Serves http://127.0.0.1:8000 with websockets. With REDIS_URL set, several workers share Redis.
run: install messages
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput -v0
	DEBUG=$${DEBUG:-1} $(PY) manage.py seed_demo
	@# match_timer ends matches at their deadline and the worker runs background jobs (translations);
	@# both run beside the server and stop with it.
	@DEBUG=$${DEBUG:-1} $(PY) manage.py match_timer & timer=$$!; \
	DEBUG=$${DEBUG:-1} $(PY) manage.py worker --no-reload -v0 & worker=$$!; \
	trap 'kill $$timer $$worker 2>/dev/null' EXIT INT TERM; \
	if [ -n "$$REDIS_URL" ]; then \
	  echo "Serving http://$(HOST):$(PORT) with $(WORKERS) workers sharing Redis"; \
	  DEBUG=$${DEBUG:-1} $(VENV)/bin/uvicorn chaat.asgi:application --host $(HOST) --port $(PORT) \
	    --workers $(WORKERS) --ws-max-size 65536 --ws-per-message-deflate false --no-access-log; \
	else \
	  echo "Serving http://$(HOST):$(PORT) (one process: set REDIS_URL for several)"; \
	  DEBUG=$${DEBUG:-1} $(VENV)/bin/uvicorn chaat.asgi:application --host $(HOST) --port $(PORT) \
	    --ws-max-size 65536 --ws-per-message-deflate false --no-access-log; \
	fi

test: install-dev messages
	$(VENV)/bin/pytest

lint: install-dev
	$(VENV)/bin/ruff check .

check: install-dev
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	SECRET_KEY=check-deploy-$$(date +%s)-a-long-random-enough-value-for-the-check ALLOWED_HOSTS=chaat.example.com \
	  DEBUG=0 $(PY) manage.py check --deploy --fail-level WARNING

# Known vulnerabilities (PyPI's advisory data) of requirements.txt and what it pulls in. --strict:
# a dependency that could not be looked up fails the run instead of passing as "no known
# vulnerabilities" (as happens when PyPI's per-release JSON API cannot be reached).
audit: install-dev
	$(VENV)/bin/pip-audit -r requirements.txt --strict --progress-spinner off

# The full API fuzz (CI runs the same test with 8 examples per operation). Needs DATABASE_URL and
# REDIS_URL like the tests; FUZZ_MAX_EXAMPLES tunes it (examples are derandomized: reruns are reproducible).
fuzz: install-dev
	FUZZ_MAX_EXAMPLES=$${FUZZ_MAX_EXAMPLES:-300} $(VENV)/bin/pytest tests/hardening/test_fuzz.py -p no:randomly --timeout 3600

# The soak (not in CI): 500 clients on 2 server processes for 10 minutes, then sent / delivered /
# lost / doubled, p99 latency per minute and server RSS. DATABASE_URL must name a scratch
# PostgreSQL database; SOAK_CLIENTS and SOAK_MINUTES shorten it.
soak: install-dev
	$(PY) -m bench.soak

# Benchmarks of the production stack (bench/, docs/PERFORMANCE.md). They start and stop their own
# server and database on the local PostgreSQL and Redis; BENCH_POSTGRES_URL / BENCH_REDIS_URL override.
bench: install-dev
	BENCH_MAKE_COMMAND="make bench" $(PY) -m bench all --write docs/PERFORMANCE.md

bench-smoke: install-dev
	$(PY) -m bench smoke

clean:
	rm -rf $(VENV) var/staticfiles .pytest_cache .ruff_cache
