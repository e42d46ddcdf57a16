# Back Relief: `make run` to use it, `make test` to check it. See README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help run migrate seed superuser test test-fast screenshots lint format browser clean \
	bench-integrity audit-pages audit-fuzz bench audit wrk postgresql redis image image-test

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

migrate: $(VENV)/.runtime  ## Apply database migrations
	$(MANAGE) migrate --no-input

seed: migrate  ## Create the protocol from its fixture if it is missing (never overwrites edits)
	$(MANAGE) seed_protocol

run: seed  ## Set everything up and serve on http://127.0.0.1:8000
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(MANAGE) runserver $(HOST):$(PORT)

superuser: migrate  ## Create an admin account for /admin/
	$(MANAGE) createsuperuser

browser:  ## Make sure Debian's chromium is there for the browser tests
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's chromium for the browser tests…"; \
		(apt-get install -y -qq chromium >/dev/null 2>&1 || \
		 (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)); \
	else \
		echo "Note: no chromium found; browser tests will be skipped. Install it with: sudo apt-get install chromium"; \
	fi

# The suite runs on TEST_WORKERS processes (pytest-xdist), each with a test
# database of its own, handed tests as they finish the last ones (tests
# marked xdist_group stay together on one). Python may write bytecode here:
# pytest keeps the test modules it rewrote for its asserts in __pycache__,
# and collecting them afresh takes seconds.
TEST_WORKERS ?= 2
PYTEST := env -u PYTHONDONTWRITEBYTECODE $(BIN)/pytest
XDIST = -n $(TEST_WORKERS) --dist loadgroup

test: $(VENV)/.dev browser  ## Run the whole suite: browser tests and slow ones included
	$(PYTEST) $(XDIST)

test-fast: $(VENV)/.dev  ## The inner loop, under a minute: no browser tests, nothing marked slow
	HYPOTHESIS_PROFILE=quick $(PYTEST) $(XDIST) -m "not e2e and not slow"

screenshots: $(VENV)/.dev browser  ## Refresh docs/screenshots (and each exercise's illustration, and the shared record's PDF) from the tests
	SCREENSHOTS_DIR=docs/screenshots $(PYTEST) -q tests/test_e2e_session.py -k whole_session
	SCREENSHOTS_DIR=docs/screenshots $(PYTEST) -q tests/test_e2e_guide.py -k fits_a_phone
	SCREENSHOTS_DIR=docs/screenshots $(PYTEST) -q tests/test_e2e_sharing.py tests/test_sharing.py -k "made_on_a_phone or pdf_is_one"
	ILLUSTRATION_SCREENSHOTS_DIR=docs/screenshots/illustrations $(PYTEST) -q tests/test_e2e_illustrations.py

audit-fuzz: $(VENV)/.dev  ## Fuzz every form and URL with the large profile (goal: 2 000 cases or more)
	HYPOTHESIS_PROFILE=audit $(PYTEST) -q tests/test_fuzz*.py

bench-integrity: $(VENV)/.runtime  ## 50 people double-tap through sessions while gunicorn dies (ARGS="--database-url …")
	$(BIN)/python bench/integrity.py $(ARGS)

wrk:  ## Make sure wrk (the load generator of bench/throughput.py) is there
	@command -v wrk >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then apt-get install -y -qq wrk >/dev/null 2>&1 || \
			(apt-get update -qq && apt-get install -y -qq wrk >/dev/null); \
		else echo "Install wrk first: sudo apt-get install wrk"; exit 1; fi; }

postgresql:  ## Make sure PostgreSQL 15 is there, for the benchmarks' throwaway servers
	@test -x /usr/lib/postgresql/15/bin/initdb || { \
		if [ "$$(id -u)" = 0 ]; then apt-get install -y -qq postgresql-15 >/dev/null 2>&1 || \
			(apt-get update -qq && apt-get install -y -qq postgresql-15 >/dev/null); \
		else echo "Install PostgreSQL 15 first: sudo apt-get install postgresql-15"; exit 1; fi; }

redis:  ## Make sure redis-server is there, for the Redis tests and benchmarks' throwaway servers
	@command -v redis-server >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then apt-get install -y -qq redis-server >/dev/null 2>&1 || \
			(apt-get update -qq && apt-get install -y -qq redis-server >/dev/null); \
		else echo "Install Redis first: sudo apt-get install redis-server"; exit 1; fi; }

bench: $(VENV)/.dev wrk postgresql redis  ## Every benchmark: throughput (SQLite, PostgreSQL, PostgreSQL + Redis side by side), the step page by part, integrity (50 people), history
	$(BIN)/python bench/throughput.py --compare
	$(BIN)/python bench/profile_step.py
	$(BIN)/python bench/integrity.py
	$(BIN)/python bench/integrity.py --postgresql
	$(BIN)/python bench/history.py

audit: audit-fuzz audit-pages  ## Every audit: fuzzing (2 000+ cases), page weight and Lighthouse
	$(PYTEST) -q tests/test_access_sweep.py tests/test_query_budget.py tests/test_e2e_every_page.py

# Lighthouse, for `make audit-pages` only: the exact set in package-lock.json
# (package.json pins two of Lighthouse's "latest" dependencies so `npm ci` agrees).
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm is needed for Lighthouse: sudo apt-get install npm"; exit 1; }
	npm ci --no-audit --no-fund
	touch $@

audit-pages: $(VENV)/.dev browser node_modules/.installed  ## Page weight on a phone (bench/pages.py), then Lighthouse on landing, step, history
	$(BIN)/python bench/pages.py; pages=$$?; \
	$(BIN)/python bench/lighthouse.py $(ARGS); lighthouse=$$?; \
	exit $$((pages || lighthouse))

image:  ## Build the production image (Docker if here, else buildah; see docs/deploy.md)
	sh scripts/build-image.sh $(TAG)

image-test: $(VENV)/.runtime  ## Two replicas of the image on PostgreSQL + Redis behind HAProxy, one killed mid-session (as root)
	bash scripts/image-test.sh

lint: $(VENV)/.dev  ## ruff, formatting, Django's checks, missing migrations, Dockerfile, shell
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) check --fail-level WARNING
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/hadolint Dockerfile
	$(BIN)/shellcheck docker/entrypoint.sh scripts/build-image.sh scripts/image-test.sh

format: $(VENV)/.dev  ## Fix what ruff can fix
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:  ## Remove the virtual environment, node_modules, collected static files and caches
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache node_modules
