# The two commands a newcomer needs: `make run` and `make test`. Everything else is below them.
# `make install` is what every deployment runs: the virtualenv, the pinned requirements and the
# compiled catalogs (English is missing without them).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
# Two pytest-xdist workers (each with its own SQLite file or PostgreSQL schema); `PYTEST_ARGS=`
# runs the suite in one process.
PYTEST_ARGS ?= -n 2
export FLASK_APP := wsgi.py
# Catalog folder:mapping file (app/catalogs.py keeps the same list).
CATALOGS := translations:babel-core.cfg campaigns/translations:babel-campaigns.cfg \
	donations/translations:babel-donations.cfg students/translations:babel-students.cfg \
	transparency/translations:babel-transparency.cfg

.PHONY: install run test lint translations catalogs bench clean-db

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Every package, transitive ones included, is pinned with its hashes (pip-compile
# --generate-hashes from requirements.in / requirements-dev.in; docs/security.md has the routine).
$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q --require-hashes -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q --require-hashes -r requirements.txt -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

## Install: virtualenv, pinned requirements, compiled catalogs (a deploy step, see README)
install: $(VENV)/.runtime translations

## Compile every catalog whose .po changed (.po → .mo)
translations: $(VENV)/.runtime
	$(BIN)/python -m app.catalogs

## Extract the messages of each package and merge them into its catalog (then fill in English)
catalogs: $(VENV)/.runtime
	@for pair in $(CATALOGS); do dir=$${pair%%:*}; map=$${pair#*:}; \
	  $(BIN)/pybabel -q extract -F $$map -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -o /tmp/thapsang-$$$$.pot . && \
	  $(BIN)/pybabel -q update -i /tmp/thapsang-$$$$.pot -d $$dir -l en -w 100 || exit 1; \
	done; rm -f /tmp/thapsang-$$$$.pot
	$(BIN)/flask translations check || true

## Serve the site with demo data on SQLite at http://127.0.0.1:5000
run: install
	$(BIN)/flask db upgrade
	@# The job worker runs beside the web server and stops with it (Ctrl+C stops both).
	@$(BIN)/flask jobs worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  echo "Job worker started (flask jobs worker, pid $$worker)."; \
	  $(BIN)/flask demo seed-if-empty && $(BIN)/flask run --host 127.0.0.1 --port $(PORT)

## Lint, then the whole suite (SQLite by default; set DATABASE_URL for PostgreSQL)
test: install $(VENV)/.dev lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## Benchmarks; results go into docs/benchmarks.md
bench: install $(VENV)/.dev
	$(BIN)/python bench/campaign_page.py
	$(BIN)/python bench/import_match.py

clean-db:
	rm -f instance/thapsang.db instance/thapsang.db-wal instance/thapsang.db-shm
