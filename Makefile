# The course's commands. `make help` lists them.
#
# Every target that needs Python first makes sure .venv exists and holds the pinned
# requirements and the course package; a fresh machine needs only Python 3.11+ and make.
# Each target is one plain command in .venv (README: "Without make" lists them).

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
KERNEL := cnncourse
BUILD  := build
# the student's workspace: git-ignored, outside build/, never touched by make clean
WORK   ?= my-work
# what make notebooks leaves behind; the slides and the site are made from it
EXECUTED := $(BUILD)/status.json

.DEFAULT_GOAL := help
.PHONY: help install notebooks site slides student test test-fast lab lint bench clean record

help: ## list the targets, one line each
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# the pins inside the package, for 00_setup after `pip install .` (a test keeps them equal)
PINS   := src/cnncourse/requirements.txt
$(PINS): requirements.txt
	cp requirements.txt $(PINS)

$(STAMP): requirements.txt pyproject.toml $(PINS)
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if v >= (3, 11) else "The course needs Python 3.11 or newer; $(PYTHON) is %d.%d. Run make PYTHON=python3.12 (say)." % v[:2])'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q --upgrade pip
	$(PY) -m pip install --disable-pip-version-check -q -r requirements.txt -e .
	@# the kernel that the notebooks name (metadata.kernelspec), registered inside .venv
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (CNN course)"
	@# reveal.js and MathJax for the slides and the site, into the cache (never fails the set-up)
	$(PY) -m tools.web_assets
	@# contributors: strip notebook outputs on commit (the filter is named in .gitattributes)
	@if git rev-parse --git-dir >/dev/null 2>&1; then $(VENV)/bin/nbstripout --install; fi
	@touch $@
	@echo "Environment ready in $(VENV)."

install: $(STAMP) ## create .venv with the pinned requirements, the course package and kernel; reveal.js and MathJax

notebooks: $(STAMP) ## execute every notebook in order into build/notebooks/, then build the site
	$(PY) -m tools.run_notebooks --out $(BUILD)

$(EXECUTED):
	$(MAKE) notebooks

site: $(STAMP) $(EXECUTED) ## the course site in build/site/ (solutions collapsed); STUDENT=1: build/student-site/, no solutions
	$(PY) -m tools.build_site --build $(BUILD)$(if $(STUDENT), --student)

slides: $(STAMP) $(EXECUTED) ## a reveal.js deck per lecture in build/slides/, working offline
	$(PY) -m tools.build_slides --build $(BUILD)

# maintainers: add a run to records/runs.json and regenerate README's table of runs from it
STATUS ?= $(EXECUTED)
record: $(STAMP) ## maintainers: record the run in STATUS (default build/status.json) and regenerate README's table of runs
	$(PY) -m tools.records save --status $(STATUS)
	$(PY) -m tools.records readme

student: $(STAMP) ## your copies without the worked solutions in my-work/; copies you changed are kept
	$(PY) -m tools.make_student --out $(WORK)

test: $(STAMP) ## unit tests, doctests, nbval over every notebook, student copies, site and slides in Chromium
	$(PY) -m pytest

test-fast: $(STAMP) ## unit tests and doctests only, no training and no notebooks (under a minute)
	$(PY) -m pytest src/cnncourse tests -m "not slow"

lab: $(STAMP) ## JupyterLab at the repository root (notebooks/, my-work/), kernel "Python (CNN course)", RISE
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=.

lint: $(STAMP) ## ruff: lint and format check of the package, tests, tools, benchmarks and notebooks
	$(VENV)/bin/ruff check conftest.py src tests tools benchmarks notebooks
	$(VENV)/bin/ruff format --check conftest.py src tests tools benchmarks notebooks

bench: $(STAMP) ## the course's speed benchmarks: measured ratios, one run each
	$(PY) -m benchmarks

clean: ## remove build/, caches and .venv (never my-work/, the downloaded data in data/ or the web-asset cache)
	rm -rf $(BUILD) .pytest_cache .ruff_cache .hypothesis $(VENV)
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
