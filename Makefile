# Every habit is a target: setup, run, test, lint, bench (CONTRACT.md section 1).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Development defaults; an exported DJANGO_DEBUG=0 (with a secret key) wins.
DJANGO_DEBUG ?= 1
export DJANGO_DEBUG
# kaleido draws charts with Debian's Chromium and must never download its own.
export BROWSER_PATH ?= /usr/bin/chromium

.PHONY: setup run test lint format bench chromium wrk demo

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

setup: $(VENV)/.installed chromium
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_models
	$(PY) manage.py collectstatic --noinput --verbosity 0

# Charts in the PDF need Chromium; without it the PDF shows tables instead.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get install -y -qq chromium >/dev/null 2>&1 || \
	     (apt-get update -qq && apt-get install -y -qq chromium >/dev/null 2>&1)) || \
	    echo "note: could not install chromium; PDF charts will be tables"; \
	  else echo "note: chromium is not installed (apt-get install chromium); PDF charts will be tables, browser tests skip"; fi; }

demo: setup
	$(PY) manage.py load_demo

run: demo
	@echo ""
	@echo "  Maturity self-assessment is at http://127.0.0.1:8000"
	@echo "  Admin: http://127.0.0.1:8000/admin/"
	@$(PY) manage.py load_demo --print-logins
	@echo ""
	$(PY) manage.py runserver 127.0.0.1:8000

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: setup lint
	$(PY) -m pytest

# The load generator of `make bench`, from Debian.
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get install -y -qq wrk >/dev/null 2>&1 || \
	    (apt-get update -qq && apt-get install -y -qq wrk >/dev/null 2>&1) || true; fi; }

# Speed is not a test: ratios against baselines of the same run (docs/benchmarks.md).
bench: setup wrk
	$(PY) -m bench $(BENCH_ARGS)
