# Partnership tracker: `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
# Debian packages: WeasyPrint's text layout and fonts for PDFs; chromium, pdftotext, pg_dump and Java (for the
# Nu HTML Checker) for the tests.
RUN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation
TEST_PACKAGES := $(RUN_PACKAGES) chromium poppler-utils postgresql-client default-jre-headless redis-server
# The Nu HTML Checker, pinned in frontend/package.json's devDependencies.
VNU_JAR := frontend/node_modules/vnu-jar/build/dist/vnu.jar
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/python:
	@$(PYTHON) -c "import ensurepip" 2>/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3-venv; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

.PHONY: install
install: $(VENV)/.runtime ## Create .venv and install what the service needs

define apt_install
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then echo "Installing $$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing >/dev/null; fi
endef

.PHONY: run
run: $(VENV)/.runtime ## Migrate, load the demo partnership and serve on http://127.0.0.1:8000, with the task worker
	$(call apt_install,$(RUN_PACKAGES))
	DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DEBUG=1 $(BIN)/python manage.py load_demo
	@echo "Serving on http://$(HOST):$(PORT)/, with the task worker beside it (Ctrl+C to stop both)"
	DEBUG=1 SITE_URL=http://$(HOST):$(PORT) $(BIN)/python manage.py db_worker --verbosity 0 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT; \
	  DEBUG=1 SITE_URL=http://$(HOST):$(PORT) $(BIN)/python manage.py runserver $(HOST):$(PORT)

.PHONY: test-packages
test-packages: ## Install the Debian packages the tests need (chromium, poppler-utils, PDF fonts, Java), if missing
	$(call apt_install,$(TEST_PACKAGES))

$(VNU_JAR): frontend/package-lock.json
	@command -v npm >/dev/null || { echo "The tests' HTML checker (vnu-jar) comes from npm: install Node.js 20.19 or later"; exit 1; }
	cd frontend && npm ci --ignore-scripts --no-audit --no-fund
	touch $@

.PHONY: test
test: $(VENV)/.dev test-packages $(VNU_JAR) ## Run the whole suite (SQLite, or PostgreSQL when DATABASE_URL is set)
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest --numprocesses auto

.PHONY: bench
bench: $(VENV)/.dev ## Measure key pages at scales 1 and 10 and a gunicorn load run (BENCH_ARGS="--scales 1 --repeats 10")
	$(call apt_install,$(RUN_PACKAGES))
	$(BIN)/python -m bench.run $(BENCH_ARGS)

.PHONY: backup
backup: $(VENV)/.runtime ## Back up the database to backups/ (or FILE=path): pg_dump, or SQLite's backup API
	$(BIN)/python manage.py backup $(if $(FILE),--output $(FILE))

.PHONY: restore
restore: $(VENV)/.runtime ## Replace the database's contents with a backup: make restore FILE=path
	@test -n "$(FILE)" || { echo "Say which backup: make restore FILE=backups/<file>"; exit 2; }
	$(BIN)/python manage.py restore $(FILE)

.PHONY: lint
lint: $(VENV)/.dev ## Check the code with ruff (lint and format) and bandit (medium severity and above)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit --quiet -c pyproject.toml -r . --severity-level medium

.PHONY: format
format: $(VENV)/.dev ## Format the code with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

.PHONY: assets
assets: ## Rebuild the compiled GOV.UK Frontend assets in static/ (needs npm)
	bash frontend/build.sh
