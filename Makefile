# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: run serve worker test screenshots lint format messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

## Set everything up and serve the app with demo data at http://$(HOST)
run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo --host $(HOST)
	$(BIN)/python manage.py runserver $(HOST)

## Serve as in production: migrate, collect static files, gunicorn (see README)
serve: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput
	$(BIN)/gunicorn config.wsgi --config gunicorn.conf.py

## The webhook worker, beside `make serve` (see README, "Running in production")
worker: $(VENV)/.installed
	$(BIN)/python manage.py deliver_webhooks

## Run the whole test suite (on the database DATABASE_URL names; SQLite by default)
test: $(VENV)/.installed-dev
	@command -v chromium >/dev/null || echo "NOTE: no chromium on the PATH: the browser tests" \
		"(tests/e2e) will be skipped. 'apt-get install chromium' to run them."
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Refresh the README's screenshots in docs/screenshots (needs chromium)
screenshots: $(VENV)/.installed-dev
	SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots $(BIN)/python -m pytest tests/e2e/test_responsive.py

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Refresh the message catalogues after changing translatable strings (needs gettext)
messages: $(VENV)/.installed
	$(BIN)/python manage.py makemessages --locale es --locale en --ignore '$(VENV)/*' --no-obsolete --add-location file
	$(BIN)/python manage.py compilemessages --ignore '$(VENV)/*'

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
