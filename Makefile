# Two commands: `make book` builds the site into _build/html, `make test` runs every check.
# Each creates or refreshes the local virtual environment from requirements.txt first.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: book test validate status clean help

help:
	@echo "make book   build the book into _build/html"
	@echo "make test   run the whole test suite (units, notebooks, site build)"

$(STAMP): requirements.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found; Python 3.11 is required (set PYTHON=...)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "installing pinned requirements into $(VENV) ..."
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

book: $(STAMP)
	@$(PY) -m analysis build

A11Y := tests/a11y/node_modules/.installed

# The accessibility test drives Chromium with pinned node packages; installed when npm is present.
$(A11Y): tests/a11y/package.json tests/a11y/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --silent --no-audit --no-fund --prefix tests/a11y && touch $(A11Y); \
	else echo "npm not found: the accessibility test will be skipped (CI installs it)"; fi

test: $(STAMP) $(A11Y)
	@$(PY) -m pytest

validate: $(STAMP)
	@$(PY) -m analysis validate

status: $(STAMP)
	@$(PY) -m analysis status

clean:
	rm -rf _build
