# Jingmeng Match — the two commands: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
export PORT

.PHONY: run test install install-dev bench screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## run: migrate, load reference + demo data, train if needed, serve API + scheduler
run: install
	@mkdir -p var
	$(BIN)/jingmeng db upgrade
	$(BIN)/jingmeng seed reference
	$(BIN)/jingmeng seed demo --if-empty
	LOG_FILE=var/log/train.log $(BIN)/jingmeng train --if-no-active
	@$(BIN)/jingmeng token demo --port $(PORT)
	@mkdir -p var/log
	@echo "Logs: var/log/app.log (API), var/log/scheduler.log, var/log/gunicorn.log; warnings and errors show here."
	@LOG_FILE=var/log/scheduler.log $(BIN)/jingmeng scheduler & SCHED=$$!; \
	  trap 'kill $$SCHED 2>/dev/null; wait $$SCHED 2>/dev/null' EXIT INT TERM; \
	  LOG_FILE=var/log/app.log GUNICORN_ERRORLOG=var/log/gunicorn.log $(BIN)/gunicorn -c api/gunicorn_conf.py 'api:create_app()'

## test: the whole suite (PostgreSQL tests run when TEST_DATABASE_URL is set)
test: install-dev
	@sh tests/browser/ensure_chromium.sh
	$(BIN)/python -m pytest -n 2 --dist loadfile -q $(PYTEST_ARGS)

## screenshots: the README's console screenshots (docs/screenshots/console-*.png) from the browser journeys
screenshots: install-dev
	@sh tests/browser/ensure_chromium.sh
	CI=true README_SHOTS=docs/screenshots $(BIN)/python -m pytest -q -p no:cacheprovider tests/browser \
	  -k "sign_in_page or clerk or employer_posts or fair_operator or models_jobs or creates_a_user or five_wrong"

bench: install-dev
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) var instance .pytest_cache
