# DAWG AI — `make run` starts everything on a fresh machine, `make test` tests it.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
export NUMBA_CACHE_DIR ?= $(CURDIR)/.numba-cache

.PHONY: help run install install-dev migrate test test-fast lint format bench sound-report banks clean

help:
	@echo "make run      create .venv, install, migrate, start Redis + Celery + daphne"
	@echo "make test     install dev deps and run the whole test suite"
	@echo "make test-fast  unit and in-process tests only (no live stack, browser, drills, benches)"
	@echo "make lint     ruff check + format check"
	@echo "make bench    engine, assistant, WebSocket, HTTP, generation and user benchmarks"
	@echo "make sound-report  measure every genre's mix, stems and arrangement (docs/engine.md)"
	@echo "make deploy-check  validate deploy/ offline (Compose, Kubernetes, nginx) + tests/deploy"
	@echo "make drills   fault drills, each on a private stack (docs/reliability.md)"
	@echo "make banks    install the sampled sound banks and FluidSynth (Debian/Ubuntu, apt-get)"

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
	@$(PY) manage.py sound_banks --hint
	$(PY) manage.py run_stack --host $(HOST) --port $(PORT) $(if $(VERBOSE),--verbose)

test: install-dev
	DJANGO_SETTINGS_MODULE=dawg.settings.test $(PY) -m pytest $(PYTEST_ARGS)

# The quick loop: everything that runs in-process. Left out: slow-marked tests, the browser
# (tests/e2e), the live daphne + worker stack (tests/infra/realtime/test_live.py), the fault
# drills (tests/faults) and the load benches (tests/load); `make test` runs them all.
FAST_IGNORE := --ignore=tests/e2e --ignore=tests/faults --ignore=tests/load \
	--ignore=tests/infra/realtime/test_live.py
test-fast: install-dev
	DJANGO_SETTINGS_MODULE=dawg.settings.test $(PY) -m pytest -m "not slow and not browser" \
		$(FAST_IGNORE) $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The sound report (docs/engine.md): e.g. SOUND_REPORT_ARGS="--genres trap,house --png-dir var/sound".
.PHONY: sound-report
sound-report: install-dev
	$(PY) manage.py sound_report $(SOUND_REPORT_ARGS)

# Each load bench starts its own stack on 127.0.0.1 (own Redis, database and media dir) and
# stops it; sizes go in BENCH_WS_ARGS etc., e.g. BENCH_WS_ARGS="--connections 200 --seconds 5".
.PHONY: bench-ws bench-http bench-generation bench-users bench-stems
bench: install-dev
	$(PY) manage.py bench_engine
	$(PY) manage.py bench_assistant
	$(MAKE) -k bench-ws bench-http bench-generation bench-users bench-stems

bench-ws: install-dev
	$(PY) -m tests.load ws $(BENCH_WS_ARGS)

bench-http: install-dev
	$(PY) -m tests.load http $(BENCH_HTTP_ARGS)

bench-generation: install-dev
	$(PY) -m tests.load generation $(BENCH_GENERATION_ARGS)

bench-users: install-dev
	$(PY) -m tests.load users $(BENCH_USERS_ARGS)

bench-stems: install-dev
	$(PY) -m tests.load stems $(BENCH_STEMS_ARGS)

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
	DJANGO_SETTINGS_MODULE=dawg.settings.test $(PY) -m pytest tests/deploy tests/infra/observability/test_alertmanager.py tests/infra/observability/test_gunicorn_multiprocess.py tests/infra/observability/test_static_readiness.py -q

# Fault drills: each starts its own Redis (AOF), database, storage, web and workers on
# 127.0.0.1, breaks one part and prints what was lost; one drill: `python -m tests.faults <name>`.
.PHONY: drills
drills: install-dev
	$(PY) -m tests.faults all

# Sampled sound banks (docs/engine.md, "Sound banks"): CC0 one-shots, the MIT FluidR3_GM
# SoundFont and libfluidsynth3, from the distribution's packages; never committed.
BANK_PACKAGES := sonic-pi-samples fluid-soundfont-gm libfluidsynth3
banks:
	@command -v apt-get >/dev/null 2>&1 || { echo "make banks needs apt-get (Debian/Ubuntu); install $(BANK_PACKAGES) with your package manager"; exit 1; }
	$(if $(filter 0,$(shell id -u)),,sudo )apt-get update -qq
	$(if $(filter 0,$(shell id -u)),,sudo )env DEBIAN_FRONTEND=noninteractive apt-get install -y $(BANK_PACKAGES)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
