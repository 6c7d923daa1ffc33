#!/usr/bin/env bash
# `make test`: start the local broker if it is not running, run the whole suite against it,
# and stop the broker again if this script started it.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

started=0
if ! $BIN/eventwire broker status >/dev/null 2>&1; then
  $BIN/eventwire broker start
  started=1
fi
stop_broker() { if [ "$started" = 1 ]; then $BIN/eventwire broker stop; fi; }
trap stop_broker EXIT

# static checks first: lint, format and types (configured in pyproject.toml)
if [ $# -eq 0 ]; then
  $BIN/ruff check workers tests benchmarks scripts
  $BIN/ruff format --check workers tests benchmarks scripts
  $BIN/mypy
fi

$BIN/pytest -q -p no:cacheprovider "$@"
