# The two commands of the README: `make run` and `make test`.
# Both set up everything on a fresh clone: the virtualenv, the dependencies, the database.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.local

.PHONY: run test setup venv lint bench clean

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

setup: venv
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_municipalities

run: setup
	$(PY) manage.py seed_demo | tee var/demo-logins.txt
	PORT=$(PORT) $(PY) -m config.embedded

test: venv
	DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .

bench: venv
	$(PY) -m bench

clean:
	rm -rf $(VENV) var staticfiles
