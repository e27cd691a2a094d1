# relmkt: two commands do all set-up on a fresh machine with Python 3.10-3.13.
#   make lab    create .venv if needed, install the kit, open JupyterLab on the welcome notebook
#   make test   create/update .venv with the test tools and run every test
# Other targets: make notebooks (re-run every notebook in place), make students (regenerate
# exercise student copies), make datasets (rebuild the synthetic datasets), make bench,
# make test-lib (library tests only, fast), make test-notebooks, make lint,
# make site (the course as a website in build/site/), make handouts (a zip per chapter in build/handouts/).

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check
PORT   ?= 8888
# Extra options for `make lab` (the browser test passes a fresh token this way).
LAB_ARGS ?=
# The folder JupyterLab serves (the kit itself; the browser test serves a copy).
LAB_ROOT ?= $(CURDIR)
# Run pytest on both cores; each notebook stays on one worker (nbval needs that).
JOBS   ?= 2
# One OpenMP thread per test worker: scikit-learn's gradient boosting otherwise starts a thread per
# core in each worker, and two workers on two cores spin against each other (a 1 s fit took 60 s).
ONE_THREAD := OMP_NUM_THREADS=1

BASE_STAMP := $(VENV)/.relmkt-base
DEV_STAMP  := $(VENV)/.relmkt-dev
NOTEBOOKS  := $(sort $(wildcard notebooks/[0-9][0-9]-*.ipynb))
MASTERS    := $(sort $(wildcard exercises/[0-9][0-9]-*/[0-9][0-9]-*.ipynb))
NBVAL      := --nbval --nbval-current-env --nbval-sanitize-with tests/sanitize.cfg --nbval-cell-timeout=120

.PHONY: lab test test-lib test-notebooks lint notebooks students datasets bench site handouts install install-dev clean help

help:
	@sed -n '1,6p' Makefile | sed 's/^# \{0,1\}//'

$(PY):
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if (3, 10) <= v <= (3, 13) else "relmkt needs Python 3.10 to 3.13; this is %d.%d. Run: make PYTHON=python3.12 ..." % v)'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(BASE_STAMP): pyproject.toml constraints.txt tools/jupyter/overrides.json | $(PY)
	$(PIP) install --quiet -c constraints.txt -e .
	@mkdir -p $(VENV)/share/jupyter/lab/settings
	cp tools/jupyter/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	@touch $@

$(DEV_STAMP): $(BASE_STAMP)
	$(PIP) install --quiet -c constraints.txt -e ".[dev]"
	@touch $@

install: $(BASE_STAMP)
install-dev: $(DEV_STAMP)

lab: $(BASE_STAMP)
	$(VENV)/bin/jupyter lab --LabApp.default_url=/lab/tree/notebooks/00-welcome.ipynb \
	  --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) --ServerApp.root_dir="$(LAB_ROOT)" \
	  --ServerApp.open_browser=$(if $(DISPLAY),True,False) \
	  $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

test: lint
	$(ONE_THREAD) RELMKT_STRICT_CHECKS=1 $(PY) -m pytest -p no:cacheprovider -n $(JOBS) --dist loadfile \
	  --doctest-modules relmkt_lib tests $(NBVAL) $(NOTEBOOKS) $(MASTERS)

# While developing: the library's tests and doctests only (no notebooks, no browser), in ~30 s.
test-lib: $(DEV_STAMP)
	$(ONE_THREAD) $(PY) -m pytest -p no:cacheprovider -n $(JOBS) --dist loadfile --doctest-modules relmkt_lib tests \
	  --ignore=tests/test_browser.py --ignore=tests/test_site.py --ignore=tests/test_report_commands.py

# Every chapter and exercise master under nbval (strict checks), nothing else.
test-notebooks: $(DEV_STAMP)
	$(ONE_THREAD) RELMKT_STRICT_CHECKS=1 $(PY) -m pytest -p no:cacheprovider -n $(JOBS) --dist loadfile \
	  $(NBVAL) $(NOTEBOOKS) $(MASTERS)

# Style and static errors (config in pyproject.toml); the import layers are tests/test_architecture.py.
lint: $(DEV_STAMP)
	$(PY) -m ruff check relmkt_lib tests tools benchmarks datasets exercises notebooks site conftest.py

notebooks: $(DEV_STAMP)
	$(PY) tools/chapter_map.py
	$(PY) tools/reading_time.py
	RELMKT_STRICT_CHECKS=1 $(PY) tools/run_notebooks.py $(NOTEBOOKS) $(MASTERS)
	$(PY) -m relmkt_lib.exercises build

students: $(DEV_STAMP)
	$(PY) -m relmkt_lib.exercises build

datasets: $(DEV_STAMP)
	for f in datasets/*/make_data.py; do $(PY) $$f || exit 1; done

bench: $(DEV_STAMP)
	$(PY) benchmarks/bench_import.py
	$(PY) benchmarks/bench_summary.py
	$(PY) benchmarks/bench_loyalty.py
	$(PY) benchmarks/bench_churn.py
	$(PY) benchmarks/bench_consent.py
	$(PY) benchmarks/bench_report.py

# The course as a static website from the committed, tested outputs (nothing re-executed), with every
# internal link checked: build/site/index.html. Publishing it: see the README.
site: $(DEV_STAMP)
	$(PY) tools/build_site.py

# One zip per chapter for students without the repository: the student copy of the exercises and
# its checks, the data the chapter reads, an HTML export of the chapter (build/handouts/).
handouts: $(BASE_STAMP)
	$(PY) tools/handouts.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
