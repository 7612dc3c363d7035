# Every target sets up what it needs: the first run creates .venv and installs into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: check report test lint typecheck bench docs clean

check: $(STAMP) ## check the example journal
	$(BIN)/pdp check

report: $(STAMP) ## points per performance year of the example journal
	$(BIN)/pdp report

test: $(STAMP) ## lint, type-check and run the tests
	$(BIN)/ruff check generator tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest

bench: $(STAMP) ## time check and report on generated journals of 1,000 and 10,000 entries
	$(BIN)/python benchmarks/run.py

docs: $(STAMP) ## regenerate docs/format.md from the schema
	$(BIN)/python -m generator.docs > docs/format.md

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) site .pytest_cache .mypy_cache .ruff_cache .hypothesis
