# Pactline: `make run` starts the app with demo data; `make test` runs the whole suite.
PORT ?= 8000
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
PG_URL ?= postgres://postgres@127.0.0.1:5432/pactline
# 1: the PostgreSQL pass is required (CI); auto: run it when a server answers; 0: skip it.
TEST_POSTGRES ?= auto
PYTEST_ARGS ?=

.PHONY: pdf-deps run worker install dev test test-sqlite test-postgres browser-deps lint audit format bench clean

$(RUN_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -e .
	touch $@

$(DEV_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[dev]'
	touch $@ $(RUN_STAMP)

install: $(RUN_STAMP)
dev: $(DEV_STAMP)

run: $(RUN_STAMP) pdf-deps
	$(BIN)/pactline serve --port $(PORT)

# The background worker alone (reminders, e-mail, webhooks); `make run` starts one itself.
worker: $(RUN_STAMP)
	$(BIN)/pactline worker

# Debian's chromium for the browser tests (no browser download) and axe-core from npm.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; }
	@test -f node_modules/axe-core/axe.min.js || npm ci --silent --no-audit --no-fund

# Pango for WeasyPrint's PDF reports, from Debian when the machine lacks it.
pdf-deps:
	@ldconfig -p | grep -q libpango-1.0 || { \
	  echo "Installing pango for the PDF reports..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core) >/dev/null; }

test: $(DEV_STAMP) browser-deps pdf-deps test-sqlite test-postgres

test-sqlite: $(DEV_STAMP)
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

test-postgres: $(DEV_STAMP)
	@if [ "$(TEST_POSTGRES)" = "0" ]; then echo "PostgreSQL pass skipped (TEST_POSTGRES=0)"; \
	elif $(BIN)/python -c "import psycopg,sys; psycopg.connect('postgresql://postgres@127.0.0.1:5432/postgres', connect_timeout=3).close()" 2>/dev/null; then \
	  echo "== the same suite on PostgreSQL"; \
	  DATABASE_URL=$(PG_URL) $(BIN)/pytest -n 2 $(PYTEST_ARGS); \
	elif [ "$(TEST_POSTGRES)" = "1" ]; then echo "PostgreSQL is not reachable on 127.0.0.1:5432" >&2; exit 1; \
	else echo "PostgreSQL not reachable: PostgreSQL pass skipped"; fi

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/bandit -q -r pactline -ll -c pyproject.toml

# Known vulnerabilities in the installed packages (needs the network, so not part of `make test`).
# Accepted exceptions, each with its reason, are listed in docs/security.md.
audit: $(DEV_STAMP)
	$(BIN)/pip-audit --local --skip-editable $(PIP_AUDIT_IGNORE)

format: $(DEV_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(DEV_STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .ruff_cache
