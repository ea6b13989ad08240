# Mockingbird: two commands. `make run` serves the product, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench lint format fake check-deploy clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when pyproject.toml changed (stamp files).
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

var:
	mkdir -p var

run: $(VENV)/.installed | var
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo --host $(HOST) --port $(PORT)
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	PORT=$(PORT) $(BIN)/daphne -b $(HOST) -p $(PORT) config.asgi:application

test: $(VENV)/.installed-dev | var
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-dev | var
	$(BIN)/python -m tests.bench

# Style, layers (import-linter contracts in pyproject.toml) and types (mypy + django-stubs).
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

fake: $(VENV)/.installed
	$(BIN)/python -m tests.fakes --port 8765

check-deploy: $(VENV)/.installed
	DJANGO_ENV=production SECRET_KEY=dummy-$$(date +%s)-not-a-real-secret-key-0123456789abcdefghijklmnop \
	ALLOWED_HOSTS=example.com $(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var/static
