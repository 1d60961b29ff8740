# Khéo — the everyday commands. Needs only python3 (3.11+); everything else is set up here.
#   make run               web on http://127.0.0.1:8000 + Celery worker + beat (+ Redis if none answers)
#   make test              pytest (DATABASE_URL=postgres://... for PostgreSQL; PYTEST_ARGS="-k x" to select)
#   make bench             lifecycle benchmark (BENCH_ARGS="--n 100")
#   make bench-lists       task lists at a million tasks (PostgreSQL: BENCH_DATABASE_URL=postgres://...)
#   make lint              ruff
#   make mutation          mutation testing of the business rules (mutmut; not part of make test)
#   make migrations-check  fails when a model change has no migration

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
STAMP := var/.installed
# When this make started, so `make run` can say how long it took to serve (install included).
ifndef KHEO_STARTED_AT
KHEO_STARTED_AT := $(shell date +%s)
endif
export KHEO_STARTED_AT

.PHONY: install run test bench bench-lists lint migrations-check mutation FORCE

install: $(STAMP)

# Re-install only when pyproject.toml changed or .venv is missing (or was re-created).
$(STAMP): pyproject.toml $(if $(wildcard $(VENV)/bin/python),$(VENV)/pyvenv.cfg,FORCE)
	@PYTHON=$(PYTHON) bash config/scripts/install.sh

FORCE:

run: install
	@bash config/scripts/run.sh

test: install
	@bash config/scripts/test.sh $(PYTEST_ARGS)

# bench.lifecycle first (with BENCH_ARGS), then every other module of bench/ that has a __main__ guard.
bench: install
	@bash config/scripts/bench.sh $(BENCH_ARGS)

# Not part of `make bench`: builds a national data set (~1,000,000 tasks, a few minutes) first.
bench-lists: install
	@.venv/bin/python -m bench.lists $(BENCH_LISTS_ARGS)

# Not part of `make test` or CI: a few minutes on 2 cores (MUTATION_JOBS=N to change the workers).
mutation: install
	@bash config/scripts/mutation.sh

lint: install
	$(VENV)/bin/ruff check .

migrations-check: install
	$(VENV)/bin/python manage.py makemigrations --check --dry-run
