# The course's commands. `make help` lists them.
#
# Every target that needs Python first makes sure .venv exists and holds the pinned
# requirements and the course package; a fresh machine needs only Python 3.11+ and make.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
KERNEL := cnncourse
BUILD  := build
# reveal.js and MathJax for the slides and the site, from the npm registry (package-lock.json)
WEB    := node_modules/.installed
# what make notebooks leaves behind; the slides and the site are made from it
EXECUTED := $(BUILD)/status.json

# the unit tests, the doctests of the package, and nbval over every notebook
PYTEST_NOTEBOOKS := --nbval-lax --nbval-current-env --nbval-cell-timeout=900 \
                    --nbval-sanitize-with notebooks/nbval_sanitize.cfg

.DEFAULT_GOAL := help
.PHONY: help install notebooks site slides student test lab lint bench clean

help: ## list the targets, one line each
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if v >= (3, 11) else "The course needs Python 3.11 or newer; $(PYTHON) is %d.%d. Run make PYTHON=python3.12 (say)." % v[:2])'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q --upgrade pip
	$(PY) -m pip install --disable-pip-version-check -q -r requirements.txt
	$(PY) -m pip install --disable-pip-version-check -q --no-deps -e .
	@# contributors: strip notebook outputs on commit (the filter is named in .gitattributes)
	@if git rev-parse --git-dir >/dev/null 2>&1; then $(VENV)/bin/nbstripout --install; fi
	@touch $@
	@echo "Environment ready in $(VENV)."

$(WEB): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js 18 or newer (Debian: apt-get install nodejs npm)."; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(STAMP) $(WEB) ## create .venv with the pinned requirements and the course package; reveal.js and MathJax from npm

notebooks: $(STAMP) $(WEB) ## execute every notebook in order into build/notebooks/, then build the site
	$(PY) tools/run_notebooks.py --out $(BUILD)

$(EXECUTED):
	$(MAKE) notebooks

site: $(STAMP) $(WEB) $(EXECUTED) ## the course site in build/site/: index, a page per lecture, run status
	$(PY) tools/build_site.py --build $(BUILD)

slides: $(STAMP) $(WEB) $(EXECUTED) ## a reveal.js deck per lecture in build/slides/, working offline
	$(PY) tools/build_slides.py --build $(BUILD)

student: $(STAMP) ## student copies without the worked solutions in build/student/
	$(PY) tools/make_student.py --out $(BUILD)/student

test: $(STAMP) $(WEB) ## unit tests, doctests, nbval over every notebook, student copies, site and slides in Chromium
	$(PY) -m pytest tests src/cnncourse notebooks $(PYTEST_NOTEBOOKS)

lab: $(STAMP) ## JupyterLab with the course's kernel registered as "Python (CNN course)"
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (CNN course)"
	$(VENV)/bin/jupyter lab notebooks

lint: $(STAMP) ## ruff over the package, tests, tools and notebooks
	$(VENV)/bin/ruff check src tests tools benchmarks notebooks

bench: $(STAMP) ## the course's speed benchmarks: measured ratios, one run each
	$(PY) -m benchmarks

clean: ## remove build/, caches, .venv and node_modules (not the downloaded data in data/)
	rm -rf $(BUILD) .pytest_cache .ruff_cache .hypothesis $(VENV) node_modules
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
