# DAWG AI — `make run` starts everything on a fresh machine, `make test` tests it.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
export NUMBA_CACHE_DIR ?= $(CURDIR)/.numba-cache

.PHONY: help run install install-dev migrate test lint format bench clean

help:
	@echo "make run      create .venv, install, migrate, start Redis + Celery + daphne"
	@echo "make test     install dev deps and run the whole test suite"
	@echo "make lint     ruff check + format check"
	@echo "make bench    engine, assistant, WebSocket, HTTP, generation and user benchmarks"
	@echo "make deploy-check  validate deploy/ offline (Compose, Kubernetes, nginx) + tests/deploy"
	@echo "make drills   fault drills, each on a private stack (docs/reliability.md)"

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	mkdir -p var
	$(PY) manage.py migrate --noinput

run: migrate
	$(PY) manage.py ensure_demo_user
	$(PY) manage.py run_stack --host $(HOST) --port $(PORT)

test: install-dev
	DJANGO_SETTINGS_MODULE=dawg.settings.test $(PY) -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Each load bench starts its own stack on 127.0.0.1 (own Redis, database and media dir) and
# stops it; sizes go in BENCH_WS_ARGS etc., e.g. BENCH_WS_ARGS="--connections 200 --seconds 5".
.PHONY: bench-ws bench-http bench-generation bench-users
bench: install-dev
	$(PY) manage.py bench_engine
	$(PY) manage.py bench_assistant
	$(MAKE) -k bench-ws bench-http bench-generation bench-users

bench-ws: install-dev
	$(PY) manage.py bench_ws $(BENCH_WS_ARGS)

bench-http: install-dev
	$(PY) manage.py bench_http $(BENCH_HTTP_ARGS)

bench-generation: install-dev
	$(PY) manage.py bench_generation $(BENCH_GENERATION_ARGS)

bench-users: install-dev
	$(PY) manage.py bench_users $(BENCH_USERS_ARGS)

# Deployment files: Compose Specification and Kubernetes schemas (offline), Alertmanager and
# Prometheus configs (amtool, promtool: a missing tool fails the target), then the tests that
# run the image's commands here (tests/deploy/, nginx failover, the gunicorn scrape).
.PHONY: deploy-check
deploy-check: install-dev
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.compose-spec deploy/docker-compose.yml
	$(VENV)/bin/kubernetes-validate --strict --quiet deploy/k8s/*.yaml deploy/k8s/keda/*.yaml deploy/k8s/monitoring/*.yaml
	@command -v amtool >/dev/null || { echo "amtool missing: apt-get install -y prometheus-alertmanager (.ci/run does)"; exit 1; }
	amtool check-config deploy/alertmanager/alertmanager.yml
	@command -v promtool >/dev/null || { echo "promtool missing: apt-get install -y prometheus (.ci/run does)"; exit 1; }
	promtool check config deploy/prometheus/prometheus.yml
	DJANGO_SETTINGS_MODULE=dawg.settings.test $(PY) -m pytest tests/deploy tests/observability/test_alertmanager.py tests/observability/test_gunicorn_multiprocess.py tests/observability/test_static_readiness.py -q

# Fault drills: each starts its own Redis (AOF), database, storage, web and workers on
# 127.0.0.1, breaks one part and prints what was lost; one drill: `manage.py drill <name>`.
.PHONY: drills
drills: install-dev
	$(PY) manage.py drill all

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
