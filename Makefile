# The two commands of the README: `make run` and `make test`.
# Both set up everything on a fresh clone: the virtualenv, the dependencies, the database.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.local

.PHONY: run test setup venv lint bench clean system-packages

# Debian packages: pango for WeasyPrint, HarfBuzz subsetting for fast PDFs (both for `run`);
# Chromium and poppler for the browser and PDF tests (for `test`).
RUN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
TEST_PACKAGES := $(RUN_PACKAGES) chromium poppler-utils

# Installs what is missing when run as root on Debian; otherwise says what to install.
define ensure_packages
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing $$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "Missing system packages: $$missing (sudo apt-get install $$missing)"; \
	  fi; \
	fi
endef

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

setup: venv
	$(call ensure_packages,$(RUN_PACKAGES))
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_municipalities

run: setup
	$(PY) manage.py seed_demo | tee var/demo-logins.txt
	PORT=$(PORT) $(PY) -m config.embedded

test: venv
	$(call ensure_packages,$(TEST_PACKAGES))
	DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .

bench: venv
	$(PY) -m bench

clean:
	rm -rf $(VENV) var staticfiles
