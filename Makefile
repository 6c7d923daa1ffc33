# Two commands: `make run` (the whole thing, on the sample feed) and `make test` (the suite on a real broker).
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test unit venv broker-start broker-stop topics bench evaluate clean

run: venv
	@scripts/run.sh

test: venv
	@scripts/test.sh

# the live view's boundary data and TopoJSON decoder (npm registry, pinned by web/package-lock.json)
run test: web
.PHONY: web
web: web/node_modules/.installed

web/node_modules/.installed: web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

unit: venv
	$(BIN)/pytest tests/unit -q

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	@touch $@

broker-start: venv
	$(BIN)/eventwire broker start

broker-stop: venv
	$(BIN)/eventwire broker stop

topics: broker-start
	$(BIN)/eventwire topics create

evaluate: venv
	$(BIN)/eventwire evaluate events

bench: broker-start
	$(BIN)/python -m benchmarks.ingest --quick
	$(BIN)/python -m benchmarks.dedup
	$(BIN)/python -m benchmarks.extract --quick

clean: broker-stop
	rm -rf .cache
