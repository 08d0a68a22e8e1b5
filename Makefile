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

test: $(STAMP)
	@$(PY) -m pytest

validate: $(STAMP)
	@$(PY) -m analysis validate

status: $(STAMP)
	@$(PY) -m analysis status

clean:
	rm -rf _build
