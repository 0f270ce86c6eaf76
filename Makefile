# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test lint typecheck pytest load-test bench bench-large clean

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

## make load-test: bounded wrk load (search, statement, paragraph) while an ingest runs
load-test: $(STAMP)
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python bench/load_test.py

## make bench: the whole benchmark suite (ingest, search, pages) at the quick size;
## make bench-large: at 1k, 10k and 100k statements (about 1.5 million paragraphs; hours)
BENCH_DEPS := $(VENV)/.bench-installed
$(BENCH_DEPS): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	touch $(BENCH_DEPS)

bench: $(BENCH_DEPS)
	$(BIN)/python bench/run.py

bench-large: $(BENCH_DEPS)
	$(BIN)/python bench/run.py --large

clean:
	rm -rf $(VENV) archive.db archive.db-wal archive.db-shm .pytest_cache .mypy_cache .ruff_cache
