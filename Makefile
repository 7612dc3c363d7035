# Every target sets up what it needs: the first run creates .venv and installs into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# npm ci rewrites node_modules/.package-lock.json, so it is newer than the lock once installed.
NODE_STAMP := node_modules/.package-lock.json

.PHONY: help serve check report site test unit lint typecheck docs-check format bench bench-peers \
	docs screenshots clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 14

serve: $(STAMP) ## build the example journal and preview it live, rebuilt on every save
	$(BIN)/pdp serve

check: $(STAMP) ## check the example journal
	$(BIN)/pdp check

report: $(STAMP) ## points per performance year of the example journal
	$(BIN)/pdp report

site: $(STAMP) ## build the example journal's portfolio into site/
	$(BIN)/pdp build

test: lint typecheck docs-check $(NODE_STAMP) ## lint, type-check and run every test (browser and HTML checker too)
	$(BIN)/pytest

unit: $(STAMP) ## the quick loop: the tests that need no browser, no Java and no npm
	$(BIN)/pytest -m "not tools"

lint: $(STAMP) ## ruff's lint and format checks
	$(BIN)/ruff check generator tests benchmarks docs/screenshots.py
	$(BIN)/ruff format --check generator tests benchmarks docs/screenshots.py

typecheck: $(STAMP) ## mypy, strict
	$(BIN)/mypy

docs-check: $(STAMP) ## docs/format.md is what the schema writes
	$(BIN)/python -m generator.publish.docs | diff -u docs/format.md - \
		|| (echo "docs/format.md is out of date: run make docs" >&2; exit 1)

format: $(STAMP) ## format the code with ruff
	$(BIN)/ruff format generator tests benchmarks docs/screenshots.py

bench: $(STAMP) ## time check, report, build and serve on generated journals of 300 to 10,000 entries, and a team's
	$(BIN)/python benchmarks/run.py

bench-peers: $(STAMP) ## the same beside Hugo's, MkDocs' and Pelican's full builds, so every speed target is measured
	$(BIN)/python benchmarks/run.py --peers

docs: $(STAMP) ## regenerate docs/format.md from the schema
	$(BIN)/python -m generator.publish.docs > docs/format.md

# The day the screenshots are taken on, so that the same journal gives the same pictures.
SCREENSHOT_DAY := 2026-11-28

screenshots: $(STAMP) ## the README's pictures of the example journal's site (docs/*.png), in Chromium
	PDP_TODAY=$(SCREENSHOT_DAY) $(BIN)/python docs/screenshots.py

# setuptools installs a package with a folder mapped into it (themes/ is generator.themes)
# editable through an import hook, and says so in a warning that is information only
# ("Editable installation."): that one notice is left out, every other warning is shown.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	PYTHONWARNINGS='ignore:Editable installation' $(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The Nu Html Checker and axe-core for the page tests; --ignore-scripts: vnu-jar's postinstall
# would download a Java runtime when none is found, and the tests use the machine's own.
$(NODE_STAMP): package-lock.json package.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $(NODE_STAMP)

clean:
	rm -rf $(VENV) node_modules site .pdp-cache .pytest_cache .mypy_cache .ruff_cache .hypothesis
