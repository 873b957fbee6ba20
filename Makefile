# Two commands for a newcomer: `make run` (the IdP on SQLite) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint venv

$(BIN)/idp: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $@

venv: $(BIN)/idp

run: $(BIN)/idp
	IDP_DATA_DIR=$${IDP_DATA_DIR:-instance} $(BIN)/idp serve --bind 127.0.0.1:8000

test:
	scripts/test.sh

lint:
	$(BIN)/ruff check .
