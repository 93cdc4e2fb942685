#!/bin/sh
# Worker: runs pooled analyses and data-quality sweeps. Late acks: a killed worker's task is redelivered.
set -eu
cd "$(dirname "$0")/.."
exec celery -A config worker --loglevel "${LOG_LEVEL:-INFO}" --concurrency "${WORKER_CONCURRENCY:-2}"
