# The two commands of the README: `make demo` and `make test`. Both start with `make setup`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.torchcamp-installed

.PHONY: setup demo test benchmark

setup: $(STAMP)

# Re-installs only when the package metadata changes: running setup twice is a no-op.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[teacher]'
	touch $(STAMP)

demo: setup
	$(BIN)/torchcamp validate
	$(BIN)/torchcamp grade solutions
	$(BIN)/torchcamp grade exercises

test: setup
	$(BIN)/python -m pytest tests

benchmark: setup
	$(BIN)/python scripts/benchmark.py --write BENCHMARKS.md
