# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test lint typecheck pytest serve ingest clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

## make run: create .venv, install, migrate, ingest seeds/ and serve on http://$(HOST):$(PORT)
run: $(STAMP)
	$(BIN)/archive ingest seeds/
	$(BIN)/archive serve --host $(HOST) --port $(PORT)

## make test: ruff, mypy and the whole pytest suite (browser tests included)
test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) archive.db archive.db-wal archive.db-shm .pytest_cache .mypy_cache .ruff_cache
