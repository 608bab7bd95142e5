# socialmgr — `make run` to try it, `make test` to test it. See README.md.
SHELL := /bin/bash
# Django 6 needs Python 3.12+: take the newest interpreter we can find.
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 $$HOME/.pyenv/versions/3.1[234]*/bin/python3; do \
            command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
            && { echo $$p; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
BENCH ?=

.PHONY: install run test lint bench messages clean help

help:
	@echo "make run | test | install | lint | bench [BENCH=name] | messages"

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is required (Django 6)." >&2; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

static/vendor/.stamp: node_modules/.package-lock.json scripts/vendor_assets.py
	$(PY) scripts/vendor_assets.py
	touch static/vendor/.stamp

install: $(STAMP) static/vendor/.stamp
	$(PY) scripts/compile_messages.py

run: install
	$(PY) scripts/run_dev.py

test: install
	$(PY) scripts/test_services.py $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	SOCIALMGR_TESTING=true $(PY) manage.py makemigrations --check --dry-run

bench: install
	$(PY) bench/run.py $(BENCH)

# Refresh the translation catalogues after changing user-facing strings.
messages: install
	$(PY) manage.py makemessages -l de --no-obsolete --ignore=.venv --ignore=node_modules
	$(PY) manage.py makemessages -d djangojs -l de --no-obsolete --ignore=.venv --ignore=node_modules --ignore=static/vendor

clean:
	rm -rf $(VENV) node_modules static/vendor var
