# Two commands matter: `make demo` (run with demo data) and `make test` (the whole suite). Both build .venv.
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: demo test install lint format migrate seed serve worker beat clean messages smoke

$(VENV)/.installed: requirements/base.txt requirements/local.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/local.txt
	touch $@

install: $(VENV)/.installed

## Run with demo data: SQLite, Celery eager, demo centers/users/cases, server on 127.0.0.1:8000.
demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py seed_quality_demo
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@echo "Serving on http://$(HOST)/ (Ctrl-C to stop). Demo logins are printed above."
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST)

## The whole test suite (lint included). Uses DATABASE_URL / REDIS_URL when set, SQLite otherwise.
test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrate: install
	$(PY) manage.py migrate --noinput

worker: install
	$(VENV)/bin/celery -A config worker --loglevel=INFO

beat: install
	$(VENV)/bin/celery -A config beat --loglevel=INFO

## Deployment smoke test: docker/web.sh, worker.sh and beat.sh started as processes against this machine's PostgreSQL
## and Redis (a fresh database, Redis database 4 emptied); sign-in, a case, a pooled run, its PDF, backup and restore.
smoke: install
	$(PY) docker/smoke.py

## Refresh the Russian catalog from the code and templates (needs GNU gettext), then compile it.
messages: install
	$(PY) manage.py makemessages --locale ru --add-location file --no-obsolete --ignore '.venv/*' --ignore 'tests/*' --ignore 'benchmarks/*' --ignore 'staticfiles/*'
	$(PY) manage.py compilemessages --locale ru --ignore '.venv/*'

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache
