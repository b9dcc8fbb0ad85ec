# finlocal's tasks. `make` lists them. Every task runs in the active virtual environment
# (python3 -m venv .venv && . .venv/bin/activate && make install).

PYTHON ?= python
export OMP_WAIT_POLICY ?= PASSIVE
export HF_HUB_OFFLINE = 1

.DEFAULT_GOAL := help
.PHONY: help install test test-fast test-runtime lint format typecheck check snapshots-update bench recreate-model

help:  ## list the tasks
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-18s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

install:  ## install finlocal with every extra and the test tools, editable (llama.cpp built for AVX2)
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(PYTHON) -m pip install -e '.[test]'

test:  ## the whole suite (CPU, offline; what CI runs)
	$(PYTHON) -m pytest

test-fast:  ## without the real-model tests and the tiny-model training runs
	$(PYTHON) -m pytest -m 'not slow and not train'

test-runtime:  ## what a runtime-only install can run (no torch): pip install '.[test-runtime]'
	$(PYTHON) -m pytest -m 'not train'

lint:  ## ruff: lint, import order and the formatter's check
	ruff check .
	ruff format --check .

format:  ## ruff: fix what can be fixed and format
	ruff check --fix .
	ruff format .

typecheck:  ## mypy over finlocal, finlocal.train and finlocal.export (see scripts/typecheck.sh)
	sh scripts/typecheck.sh

check: lint typecheck test  ## everything CI runs

snapshots-update:  ## re-record the app's snapshot SVGs (look at every changed one before committing)
	$(PYTHON) -m pytest tests/tui/test_snapshots.py --snapshot-update

bench:  ## the runtime and app benchmarks of the bundled model (results in bench/results/)
	$(PYTHON) -m bench.runtime
	$(PYTHON) -m bench.tui

recreate-model:  ## re-create the bundled model from ../shared/data (resumable; about an hour and a half on 2 cores)
	sh scripts/recreate-default-model.sh
