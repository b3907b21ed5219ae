# The two commands: `make run` (the platform with demo data on SQLite) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/passculture

.PHONY: run test install lint test-sqlite test-postgres bench migrate demo demo-reset clean

# Checks the interpreter (3.11 to 3.14), (re)builds .venv when it was made by another one, and installs
# the project when pyproject.toml changed: see scripts/bootstrap.sh.
install:
	@scripts/bootstrap.sh "$(PYTHON)" "$(VENV)"

migrate: install
	$(BIN)/passculture migrate --no-input -v 0

demo: migrate
	$(BIN)/passculture demo --if-empty

# Drops every table of the database and the demo's files, then migrates and loads the demo again.
demo-reset: install
	$(BIN)/passculture demo --reset

run: demo
	$(BIN)/passculture serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/mypy src/passculture/core

test-sqlite: install
	env -u DATABASE_URL $(BIN)/pytest -q

test: lint test-sqlite

test-postgres: install
	DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -q --create-db $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) var build *.egg-info
