#!/usr/bin/env bash
# `make run`: broker, topics, worker, the sample feed, then the events as they arrive.
# Ctrl-C stops everything this script started.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
LOG_DIR=.cache/run
mkdir -p "$LOG_DIR"

broker_started=0
worker_pid=""
cleanup() {
  trap - INT TERM EXIT
  # Ctrl-C may have closed the pipe our output goes to (`make run | tee log`): messages must
  # not kill the cleanup before it has stopped the worker and the broker.
  trap '' PIPE
  set +e
  echo
  if [ -n "$worker_pid" ] && kill -0 "$worker_pid" 2>/dev/null; then
    echo "stopping the worker"; kill -TERM "$worker_pid"; wait "$worker_pid" 2>/dev/null || true
  fi
  if [ "$broker_started" = 1 ]; then $BIN/eventwire broker stop; fi
}
trap cleanup INT TERM EXIT

if ! $BIN/eventwire broker status >/dev/null 2>&1; then
  $BIN/eventwire broker start
  broker_started=1
fi
$BIN/eventwire topics create

echo "starting the worker (log: $LOG_DIR/worker.log)"
$BIN/eventwire worker >"$LOG_DIR/worker.log" 2>&1 &
worker_pid=$!
for _ in $(seq 1 120); do
  grep -q "Worker\]: Ready" "$LOG_DIR/worker.log" 2>/dev/null && break
  kill -0 "$worker_pid" 2>/dev/null || { echo "the worker exited; see $LOG_DIR/worker.log"; exit 1; }
  sleep 0.5
done

$BIN/eventwire publish samples/articles.jsonl --quiet
$BIN/eventwire publish samples/broken.jsonl --quiet
echo "events as they arrive (Ctrl-C to stop; duplicates and dead letters: eventwire subscribe --topic articles.duplicates|articles.dlq --since beginning; live map: http://127.0.0.1:${EVENTWIRE_WEB_PORT:-6066}/live)"
$BIN/eventwire subscribe --since beginning --follow
