# Two commands: `make book` builds the site into _build/html, `make test` runs every check.
# Each creates or refreshes the local virtual environment from requirements.txt first.
#
# The environment is made with the first of python3.11, python3.12, python3.13 that runs and can
# make a venv, else python3 if it is 3.11 or newer; `make PYTHON=/path/to/python book` chooses another.
CANDIDATES := python3.11 python3.12 python3.13 python3
ifeq ($(origin PYTHON),undefined)
PYTHON := $(shell for p in $(CANDIDATES); do \
  $$p -c 'import sys, ensurepip; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && { echo $$p; break; }; done)
endif
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: book test validate status clean help python serve pdf

help:
	@echo "make book   build the book into _build/html"
	@echo "make test   run the whole test suite (units, notebooks, site build)"
	@echo "make python show which Python a new .venv would be made with"
	@echo "make serve  build if needed, then serve _build/html on 127.0.0.1 (make serve PORT=8001)"
	@echo "make pdf    write the PDF edition to _build/pdf/book.pdf (needs TeX Live; see README)"
	@echo "make release build, then write dist/: site and data archives, manifest.json, SHA256SUMS, .zenodo.json"

# Which interpreter a new environment would be made with (also used by .ci/run and the tests).
python:
	@test -n "$(PYTHON)" || { echo "error: no Python 3.11 or newer with venv found (tried $(CANDIDATES)); install one (Debian/Ubuntu: python3 python3-venv) or set PYTHON=..." >&2; exit 1; }
	@echo "$(PYTHON)"

$(STAMP): requirements.txt pyproject.toml
	@if [ ! -x $(PY) ]; then \
	  test -n "$(PYTHON)" || { echo "error: no Python 3.11 or newer with venv found (tried $(CANDIDATES)); install one (Debian/Ubuntu: python3 python3-venv) or set PYTHON=..." >&2; exit 1; }; \
	  echo "creating $(VENV) with $(PYTHON) ($$($(PYTHON) -c 'import sys; print(sys.version.split()[0])'))"; \
	  $(PYTHON) -m venv $(VENV) || exit 1; \
	else echo "using $(VENV) (Python $$($(PY) -c 'import sys; print(sys.version.split()[0])'))"; fi
	@echo "installing pinned requirements into $(VENV) ..."
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

book: $(STAMP)
	@$(PY) -m analysis build

# The site on this machine only (127.0.0.1); the port is printed. A failed build serves the last good site.
PORT ?= 8000
serve: $(STAMP)
	@$(PY) -m analysis.serve --port $(PORT)

# The PDF edition through Jupyter Book's LaTeX route (xelatex); says which Debian packages are missing.
pdf: $(STAMP)
	@$(PY) -m analysis.pdf

TOOLS := .venv-tools/.installed

# cffconvert (validates CITATION.cff) fights the book's pins, so it gets its own small environment.
$(TOOLS): tests/tools/cffconvert.txt
	@test -x .venv-tools/bin/python || $(PYTHON) -m venv .venv-tools
	@.venv-tools/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -r tests/tools/cffconvert.txt
	@touch $(TOOLS)

A11Y := tests/a11y/node_modules/.installed

# The site judges (axe-core, playwright-core, vnu-jar) are pinned node packages; installed when npm is present.
$(A11Y): tests/a11y/package.json tests/a11y/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --silent --no-audit --no-fund --ignore-scripts --prefix tests/a11y && touch $(A11Y); \
	else echo "npm not found: the accessibility test will be skipped (CI installs it)"; fi

test: $(STAMP) $(A11Y) $(TOOLS)
	@$(PY) -m pytest

validate: $(STAMP)
	@$(PY) -m analysis validate

status: $(STAMP)
	@$(PY) -m analysis status

clean:
	rm -rf _build

# A release: the site and the data package as archives named by version, manifest.json, SHA256SUMS
# and .zenodo.json in dist/ (analysis/release.py), checked against SHA256SUMS before it ends.
.PHONY: release
release: book
	@$(PY) -m analysis.release --site _build/html --out dist
