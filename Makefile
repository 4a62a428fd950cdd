# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Other tools' readers, in an environment of their own (tests/readers/requirements.txt).
READERS := .venv-readers
READERS_STAMP := $(READERS)/.installed

.PHONY: run test lint typecheck unit bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

$(READERS_STAMP): tests/readers/requirements.txt
	$(PYTHON) -m venv $(READERS)
	$(READERS)/bin/python -m pip install -q --upgrade pip
	$(READERS)/bin/python -m pip install -q -r tests/readers/requirements.txt
	touch $(READERS_STAMP)

run: $(STAMP)
	$(BIN)/plrdesk $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy
	MYPYPATH=bench $(BIN)/mypy bench/*.py

unit: $(STAMP) $(READERS_STAMP)
	QT_QPA_PLATFORM=offscreen PLRDESK_QC=$(CURDIR)/$(READERS)/bin/qc \
		$(BIN)/python -m pytest -q $(PYTEST_ARGS)

test: lint typecheck unit

bench: $(STAMP)
	$(BIN)/python bench/storage.py

clean:
	rm -rf $(VENV) $(READERS) build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
