# The two set-up commands of the README: `make run` and `make test`.
# Each creates .venv with Python 3.11 and installs the pinned dependencies of pyproject.toml
# (again only when pyproject.toml changes).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench bench-storage bench-exchange bench-portal bench-portal-export clean

$(STAMP): pyproject.toml src/sanmeasures/portal/frontend/package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/sanmeasures assets
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/sanmeasures node

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

bench: $(STAMP)
	$(BIN)/python bench/contract.py

# PostgreSQL at 127.0.0.1:5432; each script creates and drops its own database (several minutes).
bench-storage: $(STAMP)
	$(BIN)/python bench/registry.py --certificates 1000000
	$(BIN)/python bench/search.py --certificates 1000000 --cases 100000

# PostgreSQL at 127.0.0.1:5432 and RabbitMQ at 127.0.0.1:5672 (with rabbitmqctl); six node processes, their
# databases and virtual hosts are created and removed by the script (a few minutes).
bench-exchange: $(STAMP)
	$(BIN)/python bench/exchange.py

# PostgreSQL at 127.0.0.1:5432: portal pages and API at 1,000,000 certificates and 100,000 cases (several minutes).
bench-portal: $(STAMP)
	$(BIN)/python bench/portal.py

# PostgreSQL at 127.0.0.1:5432: exports of 1,000,000 certificates in each format, rows/s and memory (minutes).
bench-portal-export: $(STAMP)
	$(BIN)/python bench/portal_export.py --certificates 1000000

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
