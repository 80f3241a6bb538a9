# Neural networks for images — two commands: `make lab` and `make test`.
# Everything runs inside .venv, created here from the pinned constraints.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ARGS   ?=
PROFILE ?= standard
NB     ?= notebooks/*.ipynb
# Linux with a working NVIDIA driver: also install TensorFlow's CUDA libraries (the `gpu` extra).
EXTRAS := $(shell nvidia-smi -L >/dev/null 2>&1 && echo dev,gpu || echo dev)
# Jupyter refuses to run as root (containers, CI) unless told to.
ALLOW_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
PIP    := $(BIN)/python -m pip --disable-pip-version-check
NBVAL  := --nbval --nbval-current-env --nbval-sanitize-with notebooks/sanitize.cfg \
          --nbval-cell-timeout 600 -p no:cacheprovider
# `make test` runs tests and notebooks on both cores (pytest-xdist; one notebook per worker).
# Each notebook's kernel keeps about one core busy, so 2 workers nearly halve the wall time.
WORKERS ?= 2
XDIST  := -n $(WORKERS)

.PHONY: help setup lab test lint pytest nbval course slides browser-test clean student nbgrader \
        colab-runtime colab-setup colab-test colab-refresh hub-proxy hub-test measure

# Colab's stack (requirements/colab.txt: Colab's Python and versions) in a second venv.
COLAB_VENV   := .venv-colab
COLAB_BIN    := $(COLAB_VENV)/bin
COLAB_STAMP  := $(COLAB_VENV)/.installed
COLAB_RUNTIME := $(COLAB_VENV)/.colab-runtime
COLAB_PIP    := $(COLAB_BIN)/python -m pip --disable-pip-version-check
COLAB_PYVER  := $(shell sed -n 's/^\# python: *//p' requirements/colab.txt)
COLAB_PYTHON ?= $(shell tools/find-python $(COLAB_PYVER) 2>/dev/null)
# Notebooks the Colab job executes with nbval (fast profile).
COLAB_NB     ?= notebooks/*.ipynb
# Unit tests that are not about the Colab stack: real browsers, `make lab`, the JupyterHub test,
# nbgrader (the instructor's grading tool, not installed on Colab).
COLAB_PYTEST_SKIP := --ignore=tests/browser --ignore=tests/test_lab_server.py --ignore=tests/hub \
                     --ignore=tests/test_nbgrader.py
# configurable-http-proxy (npm) for the JupyterHub test, pinned in tests/hub/package*.json.
HUB_PROXY    := tests/hub/node_modules/.bin/configurable-http-proxy

help:
	@echo "make lab    - set up .venv (first time) and start JupyterLab on notebooks/ (ARGS=... passes through)"
	@echo "make test   - set up, then ruff + pytest + nbval over every notebook (fast profile)"
	@echo "make course - re-execute notebooks in place (PROFILE=standard|fast|full, NB=notebooks/01_*.ipynb)"
	@echo "make measure - execute without saving, print time and memory (RECORD=docs/measurements.json)"
	@echo "make slides - build one offline reveal.js deck per notebook + slides/index.html"
	@echo "make student - the student edition (no solutions) in build/student/: what to hand out"
	@echo "make nbgrader - an nbgrader source course in build/nbgrader/ (autograded exercises)"
	@echo "make browser-test - only the headless-Chromium tests (decks, JupyterLab, RISE)"
	@echo "make colab-test - Colab's Python and versions (requirements/colab.txt) in .venv-colab:"
	@echo "                  unit tests + nbval (fast); make colab-refresh updates colab.txt"
	@echo "make hub-test - a real JupyterHub on 127.0.0.1: 3 students run notebook 00 at once"
	@echo "make clean  - remove .venv, caches and build output"

# Idempotent: reinstalls only when the dependency files change.
$(STAMP): pyproject.toml requirements/constraints.txt tools/jupyterlab-overrides.json
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python >= 3.11 needed"'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade "pip>=24"
	$(PIP) install -q -c requirements/constraints.txt -e ".[$(EXTRAS)]"
	$(BIN)/python -m ipykernel install --sys-prefix --name nn-images \
	    --display-name "Python 3 (nn-images course)" > /dev/null
	@# RISE's default theme fetches web fonts; the plain white theme works offline. No
	@# "get notified about Jupyter news?" pop-up and no update check (both would go online).
	@mkdir -p $(VENV)/share/jupyter/lab/settings
	@cp tools/jupyterlab-overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	@touch $(STAMP)

setup: $(STAMP)

lab: setup
	$(BIN)/jupyter lab --notebook-dir=notebooks $(ALLOW_ROOT) $(ARGS)

test: setup
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(XDIST) --ignore=tests/hub tests
	COURSE_PROFILE=fast $(BIN)/python -m pytest $(NBVAL) $(XDIST) --dist loadfile notebooks

lint: setup
	$(BIN)/ruff check .

pytest: setup
	$(BIN)/python -m pytest tests

nbval: setup
	COURSE_PROFILE=fast $(BIN)/python -m pytest $(NBVAL) $(NB)

course: setup
	COURSE_PROFILE=$(PROFILE) $(BIN)/python -m tools.run_notebooks $(if $(RECORD),--record $(RECORD)) $(NB)

# Execute without saving, print time/memory/CPU; RECORD=docs/measurements.json stores them.
measure: setup
	COURSE_PROFILE=$(PROFILE) $(BIN)/python -m tools.run_notebooks --no-save $(if $(RECORD),--record $(RECORD)) $(NB)

# The student edition (tools/student_edition.py): every notebook without its solution cells.
student: setup
	rm -rf build/student
	$(BIN)/python -m tools.student_edition build --out build/student $(NB)

# nbgrader source course (tools/nbgrader_export.py); run nbgrader in build/nbgrader.
nbgrader: setup
	rm -rf build/nbgrader
	$(BIN)/python -m tools.nbgrader_export --out build/nbgrader $(NB)

# One offline reveal.js deck per notebook + slides/index.html (installs reveal.js/MathJax via npm once).
slides: setup
	$(BIN)/python -m tools.build_slides

# Only the real-browser tests (decks + JupyterLab; need Debian's chromium, see tests/browser/).
browser-test: setup
	$(BIN)/python -m pytest tests/browser

# Colab's runtime, the part of it the course touches, at exactly Colab's versions; then the course
# installed the way every notebook's first cell installs it (tools/colab_install.py), after a
# dry run that fails if pip would touch TensorFlow, Keras or NumPy; then the test tools.
$(COLAB_RUNTIME): requirements/colab.txt
	@test -n "$(COLAB_PYTHON)" || { tools/find-python $(COLAB_PYVER); exit 1; }
	@test -x $(COLAB_BIN)/python || $(COLAB_PYTHON) -m venv $(COLAB_VENV)
	$(COLAB_PIP) install -q --upgrade "pip>=24"
	$(COLAB_PIP) install -q -r requirements/colab.txt
	@touch $(COLAB_RUNTIME)

# (colab-runtime can build at the same time as .venv; the course's own install cannot: both
# would write course_utils.egg-info in this folder.)
colab-runtime: $(COLAB_RUNTIME)

$(COLAB_STAMP): $(COLAB_RUNTIME) pyproject.toml tools/colab_install.py
	$(COLAB_BIN)/python tools/colab_install.py --dry-run .
	$(COLAB_BIN)/python tools/colab_install.py .
	$(COLAB_PIP) install -q -c requirements/colab.txt "nbval==0.11.*" "pytest-xdist==3.8.0"
	$(COLAB_PIP) check
	@touch $(COLAB_STAMP)

colab-setup: $(COLAB_STAMP)

colab-test: colab-setup
	$(COLAB_BIN)/python -m pytest -p no:cacheprovider $(XDIST) $(COLAB_PYTEST_SKIP) tests
	COURSE_PROFILE=fast $(COLAB_BIN)/python -m pytest $(NBVAL) $(XDIST) --dist loadfile $(COLAB_NB)

$(HUB_PROXY): tests/hub/package.json tests/hub/package-lock.json
	npm ci --no-audit --no-fund --loglevel=error --prefix tests/hub
	@touch $(HUB_PROXY)

hub-proxy: $(HUB_PROXY)

# A class on one JupyterHub (tests/hub/test_jupyterhub.py); prints time and memory per student.
hub-test: setup hub-proxy
	$(BIN)/python -m pytest -p no:cacheprovider -s tests/hub

# Re-read Colab's published package list (googlecolab/backend-info) into requirements/colab.txt.
colab-refresh:
	@test -n "$(COLAB_PYTHON)" || { tools/find-python $(COLAB_PYVER); exit 1; }
	rm -rf /tmp/backend-info && git clone -q --depth 1 https://github.com/googlecolab/backend-info /tmp/backend-info
	$(COLAB_PYTHON) -m tools.colab_stack /tmp/backend-info > requirements/colab.txt.new
	mv requirements/colab.txt.new requirements/colab.txt

clean:
	rm -rf $(VENV) $(COLAB_VENV) .pytest_cache .ruff_cache build *.egg-info test-output \
	    slides/node_modules slides/*.html tests/hub/node_modules
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
