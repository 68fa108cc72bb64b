# The store's commands. `make run` and `make test` are the README's quick start.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/shop
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
DEMO_PRODUCTS ?= 2000
# Empty: bench/run.sh picks one database per catalog size (shop_bench for 100,000, shop_bench_1m, ...).
BENCH_DATABASE_URL ?=
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/14

.PHONY: install run test test-fast lint format migrate seed worker beat chromium nginx cluster bench bench-import clean

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

# Demo accounts and a catalog of DEMO_PRODUCTS products; later runs find it there and add nothing.
seed: migrate
	$(BIN)/python manage.py seed_demo --products $(DEMO_PRODUCTS)

# Embedded default: SQLite, a file cache in var/cache, eager Celery, console e-mail. Set DATABASE_URL,
# REDIS_URL, CELERY_BROKER_URL ... to use real services instead.
run: seed
	@mkdir -p var/static
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Debian's Chromium for the browser tests (installed when missing and running as root).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || { echo "could not install chromium with apt-get"; exit 1; }; \
	  else echo "chromium is missing: sudo apt-get install chromium (browser tests will be skipped)"; fi; \
	fi

# Debian's nginx for `make cluster` and its test (installed when missing and running as root, without starting
# Debian's own nginx service: it would take port 80 and keep running).
nginx:
	@if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    policy_added=0; \
	    if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && \
	      chmod 755 /usr/sbin/policy-rc.d && policy_added=1; fi; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null); status=$$?; \
	    [ $$policy_added = 1 ] && rm -f /usr/sbin/policy-rc.d; \
	    [ $$status = 0 ] || { echo "could not install nginx with apt-get"; exit 1; }; \
	  else echo "nginx is missing: sudo apt-get install nginx-light"; exit 1; fi; \
	fi

# The store on many processes of this machine, as on many machines: nginx on CLUSTER_PORT (8080) balancing two
# gunicorn nodes, a Celery worker and beat on RabbitMQ, PostgreSQL as a primary and a streaming replica
# (var/cluster); Ctrl-C stops it all (tools/cluster.py).
cluster: install nginx
	$(BIN)/python tools/cluster.py up

# The whole suite against the real PostgreSQL and Redis on this machine, plus the browser tests.
test: install chromium nginx
	TEST_DATABASE_URL=$(TEST_DATABASE_URL) TEST_REDIS_URL=$(TEST_REDIS_URL) $(BIN)/pytest

# Style, then the layers and public surfaces (import-linter), then the lock lint: no select_for_update
# outside an app's locks.py (tools/lock_lint.py); the event catalogue in docs/ARCHITECTURE.md is
# the one the code declares (tools/event_catalogue.py rewrites it); last, bandit over the shipped code, each accepted
# finding marked `# nosec BXXX` next to the `# noqa: SXXX <reason>` that ruff's copy of the same rule needs.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python tools/lock_lint.py
	$(BIN)/python tools/event_catalogue.py --check
	$(BIN)/bandit -c pyproject.toml -r . -q 2> >(grep -v "nosec encountered" >&2)  # bandit#1041: spurious nosec notes

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Real Celery processes; they need CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0).
worker: install
	@test -n "$$CELERY_BROKER_URL" || { echo "set CELERY_BROKER_URL to run a worker"; exit 1; }
	$(BIN)/celery -A shop worker --loglevel=INFO

beat: install
	@test -n "$$CELERY_BROKER_URL" || { echo "set CELERY_BROKER_URL to run beat"; exit 1; }
	$(BIN)/celery -A shop beat --loglevel=INFO --schedule=var/celerybeat-schedule

# Catalog reads under load: gunicorn + PostgreSQL (BENCH_DATABASE_URL, seeded with BENCH_PRODUCTS demo
# products, 100,000 by default, on first use; a database per size) + Redis, driven by wrk, against nginx as
# the yardstick; then the buyer flow eager and with a Celery worker, and a hot product (docs/PERFORMANCE.md).
bench: install
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) BENCH_REDIS_URL=$(BENCH_REDIS_URL) bash bench/run.sh

# Bulk import: a 10,000-row catalogue file for a fresh seller, dry run + apply timed on PostgreSQL
# (BENCH_IMPORT_DATABASE_URL, default shop_bench_import, created on first use; docs/PERFORMANCE.md).
bench-import: install
	BENCH_REDIS_URL=$(BENCH_REDIS_URL) $(BIN)/python bench/import_bench.py

clean:
	rm -rf $(VENV) var/static .pytest_cache .ruff_cache
