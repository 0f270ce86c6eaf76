# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= $(or $(ARCHIVE_HOST),127.0.0.1)
PORT   ?= $(or $(ARCHIVE_PORT),8000)

# Installs come from the lock files in requirements/ (exact versions, made from the ranges in
# pyproject.toml by `make lock`): what running needs for `make run`, the test tools on top for
# `make test`.
RUN_STAMP  := $(VENV)/.installed-run
STAMP      := $(VENV)/.installed-dev

.PHONY: run test lint typecheck pytest load-test bench bench-large lock clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): requirements/run.txt pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -r requirements/run.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(RUN_STAMP)

$(STAMP): requirements/dev.txt $(RUN_STAMP)
	$(BIN)/python -m pip install --quiet -r requirements/dev.txt
	touch $(STAMP)

## make run: create .venv, install, migrate, ingest seeds/ and serve on http://$(HOST):$(PORT)
## (PORT=8124 make run, or ARCHIVE_PORT, serves elsewhere)
run: $(RUN_STAMP)
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

## make load-test: wrk load (never-seen searches, statement and paragraph pages) at 32, 64
## and 256 connections for 60 s each, alone and while ingests write (about 8 minutes)
load-test: $(STAMP)
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python bench/load_test.py

## make bench: the whole benchmark suite (ingest, search, pages) at the quick size;
## make bench-large: at 1k, 10k and 100k statements (about 1.5 million paragraphs; hours)
BENCH_DEPS := $(VENV)/.installed-bench
$(BENCH_DEPS): requirements/bench.txt $(STAMP)
	$(BIN)/python -m pip install --quiet -r requirements/bench.txt
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	touch $(BENCH_DEPS)

bench: $(BENCH_DEPS)
	$(BIN)/python bench/run.py

bench-large: $(BENCH_DEPS)
	$(BIN)/python bench/run.py --large

## make lock: refresh requirements/*.txt from the ranges in pyproject.toml (needs PyPI)
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --quiet
lock: | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet uv
	$(UV_COMPILE) -o requirements/run.txt
	$(UV_COMPILE) --extra dev -o requirements/dev.txt
	$(UV_COMPILE) --extra dev --extra bench -o requirements/bench.txt

clean:
	rm -rf $(VENV) archive.db archive.db-wal archive.db-shm .pytest_cache .mypy_cache .ruff_cache
