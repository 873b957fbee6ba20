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
	@echo "idp 命令在 $(BIN)/idp（其他终端中可运行 $(BIN)/idp --help）/ the idp command is $(BIN)/idp (in another terminal: $(BIN)/idp --help)"
	@echo "数据目录 / data directory: $${IDP_DATA_DIR:-instance}"
	IDP_DATA_DIR=$${IDP_DATA_DIR:-instance} $(BIN)/idp serve --bind 127.0.0.1:8000

test:
	scripts/test.sh

lint:
	$(BIN)/ruff check .
