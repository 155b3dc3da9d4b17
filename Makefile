# The two commands a newcomer needs: `make run` and `make test`.
VENV   ?= .venv
PYTHON ?= python3
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run test lint bench soak chaos clean

NHSUK  := web/static/nhsuk/nhsuk-frontend.min.css

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

# The NHS.UK design system from the npm registry (package-lock.json), copied
# into web/static/nhsuk. Without npm the pages fall back to app.css alone.
$(NHSUK): package-lock.json | $(STAMP)
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --silent --no-audit --no-fund && $(BIN)/python -m web.frontend; \
	else \
		echo "warning: npm not found: the pages will use app.css without the NHS.UK design system"; \
	fi

install: $(STAMP) $(NHSUK)

## make run: install, load the sample directory, start web + worker (SQLite, embedded broker)
run: install
	$(BIN)/intake db upgrade
	$(BIN)/intake directory import sample_forms/directory
	$(BIN)/intake serve

## make test: lint, then the whole suite with coverage (needs Redis and PostgreSQL
## on 127.0.0.1, and the system packages in .ci/apt-packages; .ci/run sees to both)
test: install
	$(BIN)/ruff check .
	$(BIN)/pytest --cov=cli --cov=intake --cov=verification --cov=tasks --cov=web \
		--cov-report=term:skip-covered

lint: install
	$(BIN)/ruff check .

## make bench: the benchmark (not part of the tests); writes bench/results.json
bench: install
	$(BIN)/python -m bench

## make soak: 2,000 forms through `intake serve` on the embedded default (minutes)
soak: install
	$(BIN)/python -m bench.soak

## make chaos: the service on Redis and PostgreSQL while workers, Redis and PostgreSQL are broken (minutes)
chaos: install
	$(BIN)/python -m bench.chaos

clean:
	rm -rf $(VENV) var .pytest_cache node_modules web/static/nhsuk
