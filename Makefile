# PairAid: `make demo` to try it, `make test` to run the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export PAIRAID_DATA_DIR ?= $(CURDIR)/data
HOST ?= 127.0.0.1:8000

.PHONY: demo test install lint typecheck check clean

$(BIN)/pairaid: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(BIN)/pairaid

demo: install
	mkdir -p $(PAIRAID_DATA_DIR)
	PAIRAID_DEMO=1 $(BIN)/pairaid demo setup
	PAIRAID_DEMO=1 $(BIN)/pairaid demo serve --addr $(HOST)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

check: lint typecheck test

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
