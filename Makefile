# `make report` and `make test` set up .venv from the pinned requirements when it is missing.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: report test test-fast lab validate bench clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

report: $(STAMP)
	$(PY) build.py

# One module per worker at a time (module fixtures are built once), handed out in the order
# tests/conftest.py gives them: the long scenarios first (xdist would sort by test count).
test: $(STAMP)
	$(PY) -m pytest -q -n 2 --dist loadscope --no-loadscope-reorder

test-fast: $(STAMP)
	$(PY) -m pytest -q -n 2 -m "not build"

# jupyter_server_config.py: notebooks are saved without outputs (nbstripout).
lab: $(STAMP)
	$(VENV)/bin/jupyter lab --config=jupyter_server_config.py notebooks/

validate: $(STAMP)
	$(PY) build.py validate

bench: $(STAMP)
	$(PY) bench/run.py

clean:
	rm -rf .cache output/*/
