# Suishin: `make run` starts the app with the demo town; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test serve bench faults lint migrate demo messages clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@# The PDF tests draw pages with poppler-utils (pdftoppm, pdffonts); typst itself needs nothing beyond pip.
	@command -v pdftoppm >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; } || echo "note: install poppler-utils for the PDF tests (apt-get install poppler-utils)"
	touch $(STAMP)

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

run: demo
	@echo "Suishin: http://127.0.0.1:8000/  (stop with Ctrl+C)"
	$(PY) manage.py runserver 127.0.0.1:8000

# Production shape: gunicorn + PostgreSQL (DATABASE_URL) + task worker; see docs/deploy.md.
serve: $(STAMP)
	bin/serve

# National-scale benchmark on PostgreSQL; prints a table and writes it to bench/results/.
bench: $(STAMP)
	@command -v wrk >/dev/null 2>&1 || { echo "installing Debian wrk (the load generator)"; \
	  (apt-get install -y -qq wrk || (apt-get update -qq && apt-get install -y -qq wrk)) >/dev/null; }
	$(PY) bench/run.py

# Fault experiments (PostgreSQL, loopback only, bounded in time): killed and refused database connections,
# killed task and gunicorn workers; prints a table and writes it to bench/results/faults.md.
faults: $(STAMP)
	$(PY) bench/faults.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run

test: $(STAMP)
	bin/test-suite

messages: $(STAMP)
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=bench
	$(PY) manage.py compilemessages -l en --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
