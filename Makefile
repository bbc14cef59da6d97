# The two commands a newcomer needs: `make run` and `make test`. Everything else is below them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
# Two pytest-xdist workers (each with its own SQLite file or PostgreSQL schema); `PYTEST_ARGS=`
# runs the suite in one process.
PYTEST_ARGS ?= -n 2
export FLASK_APP := wsgi.py
CATALOGS := translations $(wildcard campaigns/translations donations/translations students/translations transparency/translations)

.PHONY: run test lint translations bench clean-db

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

translations: $(VENV)/.runtime
	@for d in $(CATALOGS); do $(BIN)/pybabel compile -f -d $$d >/dev/null 2>&1 || $(BIN)/pybabel compile -f -d $$d || exit 1; done

## Serve the site with demo data on SQLite at http://127.0.0.1:5000
run: $(VENV)/.runtime translations
	$(BIN)/flask db upgrade
	$(BIN)/flask demo seed-if-empty
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

## Lint, then the whole suite (SQLite by default; set DATABASE_URL for PostgreSQL)
test: $(VENV)/.dev translations lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## Benchmarks; results go into docs/benchmarks.md
bench: $(VENV)/.dev translations
	$(BIN)/python bench/campaign_page.py
	$(BIN)/python bench/import_match.py

clean-db:
	rm -f instance/thapsang.db instance/thapsang.db-wal instance/thapsang.db-shm
